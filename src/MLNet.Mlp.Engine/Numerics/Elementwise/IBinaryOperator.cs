using System.Runtime.Intrinsics;

namespace MLNet.Mlp.Numerics.Elementwise;

/// <summary>
/// An element-wise operation f(x, y) on floats, given for one value and for each vector width, that
/// <see cref="ElementwiseDriver"/> maps over spans (the operator structs of System.Numerics.Tensors' TensorPrimitives
/// are the model). Every overload does the same IEEE operations per lane as the scalar one, so an element's result
/// does not depend on which width computed it, and so not on its position or on the span's length.
/// </summary>
internal interface IBinaryOperator
{
    /// <summary>f(x, y) for one value.</summary>
    static abstract float Invoke(float x, float y);

    /// <summary>f(x, y) in each of 4 lanes.</summary>
    static abstract Vector128<float> Invoke(Vector128<float> x, Vector128<float> y);

    /// <summary>f(x, y) in each of 8 lanes.</summary>
    static abstract Vector256<float> Invoke(Vector256<float> x, Vector256<float> y);

    /// <summary>f(x, y) in each of 16 lanes.</summary>
    static abstract Vector512<float> Invoke(Vector512<float> x, Vector512<float> y);
}
