using MLNet.Mlp.Activations;

namespace MLNet.Mlp.Tests.Activations;

/// <summary>A row's activation must not depend on how many rows share the call: Transform scores rows in blocks,
/// PredictionEngine one at a time, and the two must agree bit for bit.</summary>
public class ActivationRowIndependenceTests
{
    public static TheoryData<string> ActivationNames =>
        ["Identity", "Sigmoid", "Tanh", "Relu", "LeakyRelu", "Elu", "Gelu", "Silu", "Softmax"];

    [Theory]
    [MemberData(nameof(ActivationNames))]
    public void EachRowOfABatchIsBitIdenticalToThatRowAlone(string name)
    {
        IActivation activation = NamedActivations.Get(name);
        var random = new Random(name.Length);
        foreach (int columns in new[] { 1, 2, 3, 5, 7, 8, 10, 15, 16, 17, 20, 33, 64, 130 })
        {
            const int rows = 37;
            float[] z = Enumerable.Range(0, rows * columns).Select(_ => (float)(random.NextDouble() * 12 - 6)).ToArray();
            float[] batch = new float[z.Length];
            activation.Forward(z, batch, columns);
            float[] alone = new float[columns];
            for (int r = 0; r < rows; r++)
            {
                activation.Forward(z.AsSpan(r * columns, columns), alone, columns);
                Assert.True(alone.AsSpan().SequenceEqual(batch.AsSpan(r * columns, columns)), $"{name}, {columns} columns: row {r} differs");
            }
        }
    }
}
