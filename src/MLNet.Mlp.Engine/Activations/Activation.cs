namespace MLNet.Mlp.Activations;

/// <summary>The built-in activations, ready to use.</summary>
public static class Activation
{
    /// <summary>σ(z) = z.</summary>
    public static IActivation Identity { get; } = new IdentityActivation();

    /// <summary>The logistic sigmoid.</summary>
    public static IActivation Sigmoid { get; } = new SigmoidActivation();

    /// <summary>The hyperbolic tangent.</summary>
    public static IActivation Tanh { get; } = new TanhActivation();

    /// <summary>max(0, z).</summary>
    public static IActivation Relu { get; } = new ReluActivation();

    /// <summary>Leaky ReLU with slope 0.01.</summary>
    public static IActivation LeakyRelu { get; } = new LeakyReluActivation();

    /// <summary>ELU with α = 1.</summary>
    public static IActivation Elu { get; } = new EluActivation();

    /// <summary>Exact (erf) GELU.</summary>
    public static IActivation Gelu { get; } = new GeluActivation();

    /// <summary>SiLU / Swish.</summary>
    public static IActivation Silu { get; } = new SiluActivation();

    /// <summary>Row-wise softmax.</summary>
    public static IActivation Softmax { get; } = new SoftmaxActivation();
}
