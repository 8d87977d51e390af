using MLNet.Mlp.Activations;
using MLNet.Mlp.Layers;
using MLNet.Mlp.Losses;
using MLNet.Mlp.Networks;
using MLNet.Mlp.Numerics;
using MLNet.Mlp.Tests.GradientChecking;

namespace MLNet.Mlp.Tests.Networks;

/// <summary>
/// Every parameter of a whole network against finite differences of the real training objective
/// L = (1/m) Σ wᵢℓᵢ, computed through <c>Network.Forward</c>/<c>Network.Backward</c> as the trainer does.
/// </summary>
public class NetworkGradientTests
{
    private const int Inputs = 5, Rows = 8, Outputs = 4;

    public static TheoryData<string, bool> Cases()
    {
        var data = new TheoryData<string, bool>();
        foreach (var name in new[] { "CCE fused with softmax", "CCE unfused (softmax activation layer)", "MSE identity output", "BCE fused with sigmoid", "dropout with fixed mask" })
        {
            data.Add(name, false);
            data.Add(name, true);
        }
        return data;
    }

    private sealed class Fixture
    {
        public required Network Network { get; init; }
        public required ILoss Loss { get; init; }
        public required float[] X { get; init; }
        public required float[] Targets { get; init; }
        public required float[] Weights { get; init; }
        public required NetworkWorkspace Workspace { get; init; }
        public bool HasDropout { get; init; }

        private ForwardContext Context => new(true, 1, HasDropout ? new RandomSource(5, 3, 0) : null);

        public double Objective()
        {
            Network.Forward(Workspace, X, Rows, Context);
            return Network.Backward(Workspace, X, Targets, Weights, Loss, Rows, 1f / Rows, Context) / Rows;
        }
    }

    private static Fixture Create(string name, bool weighted)
    {
        // The first network seed whose ReLU pre-activations all stay 0.05 away from the kink (deterministic).
        for (int seed = 1; ; seed++)
        {
            var f = TryCreate(name, weighted, seed);
            f.Objective();
            var z = f.Workspace.Caches[2].AsSpan(0, Rows * 6).ToArray();
            if (z.All(v => Math.Abs(v) > 0.05f)) return f;
        }
    }

    private static Fixture TryCreate(string name, bool weighted, int seed)
    {
        var layers = new List<Layer> { new DenseLayer(7, Activation.Tanh), new BatchNormLayer(), new DenseLayer(6, Activation.Relu) };
        var random = new Random(100);
        float[] targets;
        ILoss loss;
        switch (name)
        {
            case "CCE fused with softmax":
                layers.Add(new DenseLayer(Outputs, Activation.Softmax));
                targets = [0, 3, 1, 2, 2, 0, 1, 3];
                loss = new CategoricalCrossEntropyLoss();
                break;
            case "CCE unfused (softmax activation layer)":
                layers.Add(new DenseLayer(Outputs));
                layers.Add(new ActivationLayer(Activation.Softmax));
                targets = [0, 3, 1, 2, 2, 0, 1, 3];
                loss = new CategoricalCrossEntropyLoss();
                break;
            case "MSE identity output":
                layers.Add(new DenseLayer(Outputs));
                targets = FiniteDifference.Uniform(random, Rows * Outputs, -1f, 1f);
                loss = new MeanSquaredErrorLoss();
                break;
            case "BCE fused with sigmoid":
                layers.Add(new DenseLayer(Outputs, Activation.Sigmoid));
                targets = FiniteDifference.Uniform(random, Rows * Outputs, 0f, 1f);
                loss = new BinaryCrossEntropyLoss();
                break;
            case "dropout with fixed mask":
                layers.Add(new DropoutLayer(0.3f));
                layers.Add(new DenseLayer(Outputs, Activation.Softmax));
                targets = [0, 3, 1, 2, 2, 0, 1, 3];
                loss = new CategoricalCrossEntropyLoss();
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(name));
        }
        var network = new Network(Inputs, layers);
        network.Initialize(seed);
        // Perturb biases and batch-norm γ/β away from their initial 0/1 so that every parameter matters generically.
        var p = network.ParameterArray;
        for (int i = network.DecayedParameterCount; i < p.Length; i++) p[i] += 0.4f * (random.NextSingle() - 0.5f);
        return new Fixture
        {
            Network = network,
            Loss = loss,
            X = FiniteDifference.Uniform(random, Rows * Inputs, -2f, 2f),
            Targets = targets,
            Weights = weighted ? FiniteDifference.Uniform(random, Rows, 0f, 2f) : [],
            Workspace = new NetworkWorkspace(network, Rows),
            HasDropout = name.StartsWith("dropout", StringComparison.Ordinal),
        };
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void EveryParameterGradientMatchesFiniteDifferenceOfTheLoss(string name, bool weighted)
    {
        var f = Create(name, weighted);
        var numeric = FiniteDifference.Gradient(f.Network.ParameterArray, f.Objective);
        f.Objective();
        var analytic = (float[])f.Network.GradientArray.Clone();
        // Report by layer so that a failure names the faulty parameter block.
        int w = 0, o = f.Network.DecayedParameterCount;
        foreach (var layer in f.Network.Layers)
        {
            int wc = layer.WeightCount, oc = layer.OtherParameterCount;
            if (wc > 0) FiniteDifference.AssertClose(numeric.AsSpan(w, wc), analytic.AsSpan(w, wc), $"{name}: {layer} weights");
            if (oc > 0) FiniteDifference.AssertClose(numeric.AsSpan(o, oc), analytic.AsSpan(o, oc), $"{name}: {layer} biases/scale/shift");
            w += wc;
            o += oc;
        }
    }

    [Fact]
    public void BackwardReturnsTheSameLossAsEvaluateLossWouldForTheSameOutputs()
    {
        // Without batch norm or dropout training and inference forward passes coincide, so the loss returned by
        // Backward (Σ wℓ) divided by m must equal the trainer's EvaluateLoss (weighted mean).
        var network = new Network(Inputs, new DenseLayer(6, Activation.Tanh), new DenseLayer(Outputs, Activation.Softmax));
        network.Initialize(3);
        var random = new Random(4);
        var x = FiniteDifference.Uniform(random, Rows * Inputs, -2f, 2f);
        float[] y = [0, 3, 1, 2, 2, 0, 1, 3];
        var ws = new NetworkWorkspace(network, Rows);
        var context = new ForwardContext(true, 1, null);
        network.Forward(ws, x, Rows, context);
        double total = network.Backward(ws, x, y, [], new CategoricalCrossEntropyLoss(), Rows, 1f / Rows, context);
        double mean = MLNet.Mlp.Training.NetworkTrainer.EvaluateLoss(network, new MLNet.Mlp.Training.TrainingData(x, Inputs, y, 1), new CategoricalCrossEntropyLoss());
        Assert.Equal(mean, total / Rows, 1e-6);
    }
}
