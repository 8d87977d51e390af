using MLNet.Mlp.Activations;
using MLNet.Mlp.Layers;
using MLNet.Mlp.Networks;
using MLNet.Mlp.Numerics.MatrixMultiplication;

namespace MLNet.Mlp.Tests.Networks;

/// <summary>
/// A sparse row scored by a network whose first layer holds W in its documented layout ([units × inputs], as a trained
/// text model does): each pre-activation is the chain from the bias over the row's non-zeros in order, the bits the
/// input-major layout of training gives too, whether the layer is read as it is held or from the input-major copy a
/// model scores with (<see cref="ZeroSkippingInference"/>, units padded to a multiple of 16).
/// </summary>
public class SparseRowScoringTests
{
    [Theory]
    [InlineData(1, 50, false)]
    [InlineData(7, 50, false)]
    [InlineData(8, 5000, false)]
    [InlineData(31, 5000, false)]
    [InlineData(32, 5000, false)]
    [InlineData(45, 20000, false)]
    [InlineData(128, 20000, false)]
    [InlineData(1, 50, true)]
    [InlineData(7, 50, true)]
    [InlineData(31, 5000, true)]
    [InlineData(45, 20000, true)]
    [InlineData(128, 20000, true)]
    [InlineData(200, 20000, true)]
    public void ASparseRowsPreActivationsAreTheChainFromTheBiasOverItsNonZerosInOrder(int units, int inputs, bool inputMajorCopy)
    {
        var network = new Network(inputs, new DenseLayer(units, Activation.Identity));
        network.Initialize(units);
        var parameters = network.Parameters.ToArray();
        var random = new Random(inputs + units);
        for (int i = units * inputs; i < parameters.Length; i++) parameters[i] = (float)random.NextDouble() - 0.5f; // the bias
        network.SetParameters(parameters, network.State.Span);
        int[] indices = [.. Enumerable.Range(0, inputs).Where(_ => random.NextDouble() < 0.02).Append(inputs - 1).Distinct().Order()];
        float[] values = [.. indices.Select(_ => (float)(random.NextDouble() * 4 - 2))];
        var z = new float[units];

        var zeroSkipping = inputMajorCopy ? ZeroSkippingInference.For(network) : null;
        Assert.Equal(inputMajorCopy && GemmDriver.DefaultKind != GemmKernelKind.Scalar, zeroSkipping != null);

        network.PredictSparseRow(indices, values, z, preActivation: true, zeroSkipping);

        for (int u = 0; u < units; u++)
        {
            float expected = parameters[units * inputs + u];
            for (int k = 0; k < indices.Length; k++) expected = float.MultiplyAddEstimate(parameters[u * inputs + indices[k]], values[k], expected);
            Assert.True(BitConverter.SingleToInt32Bits(expected) == BitConverter.SingleToInt32Bits(z[u]), $"unit {u}: expected {expected:R}, got {z[u]:R}");
        }
    }
}
