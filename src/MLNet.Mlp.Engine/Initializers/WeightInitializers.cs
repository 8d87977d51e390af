namespace MLNet.Mlp.Initializers;

/// <summary>
/// The built-in initializers. Xavier/Glorot keeps the variance of activations and gradients equal across
/// layers for symmetric activations (tanh, sigmoid); He/Kaiming doubles it to make up for ReLU zeroing half of
/// its inputs. Both fight vanishing and exploding gradients at the start of training.
/// </summary>
public static class WeightInitializers
{
    /// <summary>Xavier/Glorot uniform: U(±√(6/(fanIn+fanOut))). Default for tanh, sigmoid, softmax and identity.</summary>
    public static IWeightInitializer XavierUniform { get; } = new UniformInitializer("XavierUniform", (i, o) => Math.Sqrt(6.0 / (i + o)));

    /// <summary>Xavier/Glorot normal: N(0, 2/(fanIn+fanOut)).</summary>
    public static IWeightInitializer XavierNormal { get; } = new NormalInitializer("XavierNormal", (i, o) => Math.Sqrt(2.0 / (i + o)));

    /// <summary>He/Kaiming uniform: U(±√(6/fanIn)). Default for the ReLU family.</summary>
    public static IWeightInitializer HeUniform { get; } = new UniformInitializer("HeUniform", (i, _) => Math.Sqrt(6.0 / i));

    /// <summary>He/Kaiming normal: N(0, 2/fanIn).</summary>
    public static IWeightInitializer HeNormal { get; } = new NormalInitializer("HeNormal", (i, _) => Math.Sqrt(2.0 / i));
}
