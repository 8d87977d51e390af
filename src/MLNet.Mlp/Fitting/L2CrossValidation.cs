using MLNet.Mlp.Networks;
using MLNet.Mlp.Numerics;
using MLNet.Mlp.Tasks;
using MLNet.Mlp.Trainers;
using MLNet.Mlp.Training;

namespace MLNet.Mlp.Fitting;

/// <summary>
/// The default L2 penalty of a small table, chosen by k-fold cross-validation as scikit-learn's <c>RidgeCV</c> and
/// <c>LogisticRegressionCV</c> choose theirs: each candidate of <see cref="MlpDefaults.L2PenaltyExamplesGrid"/> trains
/// the network on k − 1 folds of the training rows and is scored by the mean loss on the fold left out; the candidate
/// with the lowest mean wins (the stronger penalty on a tie). The folds are a seeded shuffle of the rows and every
/// candidate starts from the same initial weights, so the choice is deterministic; the fits run in parallel, one core
/// each, which leaves their weights (and so the choice) the same for any thread count.
/// </summary>
internal static class L2CrossValidation
{
    /// <summary>The random stream of the fold assignment (the validation split uses 4).</summary>
    private const ulong FoldStream = 5;

    /// <summary>What the cross-validation chose.</summary>
    /// <param name="PenaltyExamples">The chosen penalty, in examples (λ·n).</param>
    /// <param name="Lambda">λ for the whole training set: the chosen penalty over its row count.</param>
    /// <param name="MeanLosses">The mean held-out loss of each candidate, in the grid's order.</param>
    public sealed record Choice(float PenaltyExamples, float Lambda, double[] MeanLosses);

    /// <summary>Cross-validates the candidates on <paramref name="training"/> (already standardized) and returns the choice.</summary>
    /// <param name="options">The fit's options; their L2 penalty is unset.</param>
    /// <param name="head">The task.</param>
    /// <param name="training">The training examples.</param>
    /// <param name="outputs">The network's output count.</param>
    public static Choice Choose(MlpOptionsBase options, MlpTaskHead head, TrainingData training, int outputs)
    {
        var grid = MlpDefaults.L2PenaltyExamplesGrid;
        int folds = MlpDefaults.L2SelectionFolds;
        var parts = Folds(training, folds, options.EffectiveSeed);
        var losses = new double[grid.Length * folds];
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = options.NumberOfThreads ?? Environment.ProcessorCount };
        Parallel.For(0, losses.Length, parallel, job =>
        {
            var (train, heldOut) = parts[job % folds];
            losses[job] = HeldOutLoss(options.ForL2Candidate(grid[job / folds] / train.Rows), head, train, heldOut, outputs);
        });
        var means = new double[grid.Length];
        int best = 0;
        for (int g = 0; g < grid.Length; g++)
        {
            for (int f = 0; f < folds; f++) means[g] += losses[g * folds + f] / folds;
            if (means[g] <= means[best]) best = g;
        }
        return new Choice(grid[best], grid[best] / training.Rows, means);
    }

    /// <summary>The rows dealt into <paramref name="count"/> folds after a seeded shuffle: each fold's held-out rows and
    /// the rest, both in the original row order.</summary>
    private static (TrainingData Train, TrainingData HeldOut)[] Folds(TrainingData data, int count, int seed)
    {
        var order = new int[data.Rows];
        for (int i = 0; i < order.Length; i++) order[i] = i;
        new RandomSource(seed, FoldStream).ShuffleInPlace(order);
        var fold = new int[data.Rows];
        for (int i = 0; i < order.Length; i++) fold[order[i]] = i % count;
        var parts = new (TrainingData, TrainingData)[count];
        for (int f = 0; f < count; f++)
        {
            int[] heldOut = [.. Enumerable.Range(0, data.Rows).Where(r => fold[r] == f)];
            int[] train = [.. Enumerable.Range(0, data.Rows).Where(r => fold[r] != f)];
            parts[f] = (ValidationSet.Take(data, train), ValidationSet.Take(data, heldOut));
        }
        return parts;
    }

    /// <summary>The mean loss on <paramref name="heldOut"/> of a network trained until converged on <paramref name="train"/>
    /// with <paramref name="candidate"/>'s settings; +∞ when training diverges or the loss is not finite.</summary>
    private static double HeldOutLoss(MlpOptionsBase candidate, MlpTaskHead head, TrainingData train, TrainingData heldOut, int outputs)
    {
        var engine = EngineTrainingOptions.From(candidate, head, train.Rows, train.SparseFeatures != null ? train.FeatureCount : null, firstStep: 0, static _ => { });
        Network network = NetworkBuilder.Build(candidate, head, train.FeatureCount, outputs);
        network.Initialize(candidate.EffectiveSeed);
        try
        {
            NetworkTrainer.Fit(network, train, null, engine);
            double loss = NetworkTrainer.EvaluateLoss(network, heldOut, engine.Loss);
            // A fold whose rows all weigh zero scores nothing: it must not make a candidate win.
            return double.IsFinite(loss) ? loss : double.PositiveInfinity;
        }
        catch (TrainingDivergedException)
        {
            return double.PositiveInfinity;
        }
    }
}
