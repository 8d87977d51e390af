using System.Diagnostics;
using MLNet.Mlp.Activations;
using MLNet.Mlp.Layers;
using MLNet.Mlp.Losses;
using MLNet.Mlp.Networks;
using MLNet.Mlp.Numerics.Elementwise;
using MLNet.Mlp.Optimizers;
using static MLNet.Mlp.Benchmarks.BenchEnvironment;

namespace MLNet.Mlp.Benchmarks;

/// <summary><c>profile W [--steps N]</c>: stopwatch per phase of the training step on random data (where a step's time goes).</summary>
internal static class ProfileSteps
{
    public static int Run(string[] args)
    {
        var w = Workload.Get(args.Length > 0 ? args[0] : "W1");
        int steps = IntOption(args, "--steps", 3000), threads = IntOption(args, "--threads", Environment.ProcessorCount);
        var layers = w.Hidden.Select(h => (Layer)new DenseLayer(h, Activation.Relu)).Append(new DenseLayer(10, Activation.Softmax)).ToList();
        var net = new Network(784, layers);
        net.Initialize(0);
        int b = w.BatchSize, rows = 60000;
        var rng = new Random(1);
        var x = new float[rows * 784];
        for (int i = 0; i < x.Length; i++) x[i] = rng.NextSingle();
        var y = new float[rows];
        for (int i = 0; i < rows; i++) y[i] = rng.Next(10);
        var ws = new NetworkWorkspace(net, b);
        var bx = new float[b * 784];
        var by = new float[b];
        var loss = new CategoricalCrossEntropyLoss();
        var opt = w.CreateOptimizer();
        var state = opt.CreateState(net.ParameterCount);
        var t = new double[5];
        var context = new ForwardContext(true, threads, null);
        for (int s = 0; s < steps; s++)
        {
            long t0 = Stopwatch.GetTimestamp();
            int start = (s * b) % (rows - b);
            for (int r = 0; r < b; r++) x.AsSpan((start + r) * 784, 784).CopyTo(bx.AsSpan(r * 784));
            x.AsSpan(start, b).CopyTo(by);
            for (int r = 0; r < b; r++) by[r] = y[start + r];
            long t1 = Stopwatch.GetTimestamp();
            net.Forward(ws, bx, b, context);
            long t2 = Stopwatch.GetTimestamp();
            net.Backward(ws, bx, by, default, loss, b, 1f / b, context);
            long t3 = Stopwatch.GetTimestamp();
            FiniteCheck.IndexOfNonFinite(net.GradientArray);
            long t4 = Stopwatch.GetTimestamp();
            // As NetworkTrainer does: the optimizer may share the cores.
            opt.Update(net.ParameterArray, net.GradientArray, state, new OptimizerStep(0.001f, s + 1, net.DecayedParameterCount) { MaxThreads = threads });
            long t5 = Stopwatch.GetTimestamp();
            if (s < steps / 10) continue;   // warm-up
            t[0] += t1 - t0; t[1] += t2 - t1; t[2] += t3 - t2; t[3] += t4 - t3; t[4] += t5 - t4;
        }
        long u0 = Stopwatch.GetTimestamp();
        for (int s = 0; s < 1000; s++) opt.Update(net.ParameterArray, net.GradientArray, state, new OptimizerStep(0.001f, s + 1, net.DecayedParameterCount) { MaxThreads = threads });
        Console.WriteLine($"optimizer alone (hot caches) {F((Stopwatch.GetTimestamp() - u0) * 1e6 / Stopwatch.Frequency / 1000, "F1")} µs/step");
        double n = steps - steps / 10, us = 1e6 / Stopwatch.Frequency;
        string[] names = ["gather", "forward", "backward", "finite check", "optimizer"];
        for (int i = 0; i < 5; i++) Console.WriteLine($"{names[i],-14} {F(t[i] * us / n, "F1"),8} µs/step");
        Console.WriteLine($"{"total",-14} {F(t.Sum() * us / n, "F1"),8} µs/step → {F(t.Sum() / Stopwatch.Frequency / n * (60000.0 / b), "F3")} s/epoch");
        return 0;
    }
}
