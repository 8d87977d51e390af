using Microsoft.ML;
using MLNet.Mlp.Activations;
using MLNet.Mlp.Datasets;
using MLNet.Mlp.Initializers;
using MLNet.Mlp.Layers;
using MLNet.Mlp.Losses;
using MLNet.Mlp.Metrics;
using MLNet.Mlp.Networks;
using MLNet.Mlp.Optimizers;
using MLNet.Mlp.Schedules;
using MLNet.Mlp.Trainers;
using MLNet.Mlp.Training;

namespace MLNet.Mlp.Tests.Compatibility;

/// <summary>One named training run whose final weights are fingerprinted with <see cref="BitHash.OfNetwork"/>.</summary>
/// <param name="Name">The case's name: the key of the recorded table in ParameterHashTests.</param>
/// <param name="Run">Trains from scratch on the given data and returns the network whose weights are hashed. Throws
/// when the run did not exercise what the case is about (e.g. early stopping that never stopped).</param>
internal sealed record ParameterHashCase(string Name, Func<CompatibilityData, Network> Run)
{
    public override string ToString() => Name;
}

/// <summary>
/// The training runs whose final parameter bits must not change (the bit-identity guard for the redesign): the
/// benchmark workloads W1–W4 on the committed MNIST subset through the ML.NET multiclass trainer, the engine's
/// <see cref="NetworkTrainer.Fit(Network, TrainingData, TrainingData?, TrainingOptions)"/> with every optimizer,
/// gradient transform, layer, activation, loss, schedule and early stopping, and the binary and regression trainers with
/// their options. Every case is seeded and uses only public API. Linked into the tests and the benchmark console (whose
/// <c>hashes</c> command prints the table the tests hold).
/// </summary>
internal static class ParameterHashCases
{
    /// <summary>Rows of the MNIST subset the W cases train on (one epoch each: 100 steps of W1, 32 of W2 and W4).</summary>
    public const int MnistRows = 2000;

    /// <summary>Rows of the MNIST subset for W3 (784-512-256-10), the largest network: 8 steps of 256.</summary>
    public const int MnistRowsW3 = 2048;

    public static IReadOnlyList<ParameterHashCase> All { get; } = Build().ToList();

    public static ParameterHashCase Get(string name) =>
        All.FirstOrDefault(c => c.Name == name) ?? throw new ArgumentException($"No parameter-hash case named '{name}'.", nameof(name));

    private static IEnumerable<ParameterHashCase> Build()
    {
        // ---- The benchmark workloads (tests/MLNet.Mlp.Benchmarks/Workload.cs), one epoch on the committed subset,
        // through MapValueToKey + the multiclass trainer as a user would write it. ----
        yield return Workload("W1 MNIST 784-128-10 ReLU, SGD lr 0.01, batch 20", [128], () => new SgdOptimizer(), 0.01f, 20, MnistRows, seed: 0, threads: null);
        yield return Workload("W2 MNIST 784-128-10 ReLU, Adam lr 0.001, batch 64", [128], () => new AdamOptimizer(), 1e-3f, 64, MnistRows, seed: 0, threads: null);
        yield return Workload("W3 MNIST 784-512-256-10 ReLU, Adam lr 0.001, batch 256", [512, 256], () => new AdamOptimizer(), 1e-3f, 256, MnistRowsW3, seed: 0, threads: null);
        // No Fashion-MNIST subset is committed: W4 is W2's network and settings on the MNIST subset with another seed.
        yield return Workload("W4 W2's network with seed 1 (stand-in for Fashion-MNIST)", [128], () => new AdamOptimizer(), 1e-3f, 64, MnistRows, seed: 1, threads: null);
        // The matrix products of W2 (64 x 784 x 128 multiply-adds, above GemmDriver.ParallelMinMacs) and its Adam update
        // (100k parameters, above ChunkedUpdate.MinParallelLength) are split over threads when allowed.
        yield return Workload("W2 with MaxThreads 1", [128], () => new AdamOptimizer(), 1e-3f, 64, MnistRows, seed: 0, threads: 1);
        yield return Workload("W2 with MaxThreads 2", [128], () => new AdamOptimizer(), 1e-3f, 64, MnistRows, seed: 0, threads: 2);

        // ---- The engine: NetworkTrainer.Fit on wine (13 standardized features, 3 classes), 13-16-3, batch 16 (178 rows:
        // the last batch has 2), 3 epochs, unless a case says otherwise. ----
        foreach (var (name, optimizer, rate) in new (string, Func<IOptimizer>, float)[]
        {
            ("SGD", () => new SgdOptimizer(), 0.1f),
            ("SGD coupled weight decay 0.01", () => new SgdOptimizer(weightDecay: 0.01f), 0.1f),
            ("SGD momentum 0.9", () => new SgdOptimizer(momentum: 0.9f), 0.05f),
            ("SGD momentum 0.9 dampening 0.5", () => new SgdOptimizer(0.9f, 0.5f), 0.05f),
            ("SGD Nesterov 0.9 weight decay 0.01", () => new SgdOptimizer(0.9f, 0f, nesterov: true, weightDecay: 0.01f), 0.05f),
            ("Momentum (dampened) 0.9", () => new MomentumOptimizer(0.9f), 0.1f),
            ("Nesterov 0.9", () => new NesterovOptimizer(0.9f), 0.05f),
            ("RMSProp", () => new RmsPropOptimizer(), 0.01f),
            ("RMSProp centered momentum 0.5 weight decay 0.01", () => new RmsPropOptimizer(0.9f, 1e-6f, 0.5f, centered: true, weightDecay: 0.01f), 0.005f),
            ("Adam", () => new AdamOptimizer(), 0.01f),
            ("Adam coupled weight decay 0.01", () => new AdamOptimizer(weightDecay: 0.01f), 0.01f),
            ("AMSGrad", () => new AdamOptimizer(amsgrad: true), 0.01f),
            ("AdamW 0.05", () => new AdamWOptimizer(weightDecay: 0.05f), 0.01f),
            ("AdamW AMSGrad", () => new AdamWOptimizer(amsgrad: true), 0.01f),
            ("Adagrad", () => new AdagradOptimizer(), 0.05f),
            ("Adagrad initial accumulator 0.1 weight decay 0.01", () => new AdagradOptimizer(1e-10f, 0.1f, 0.01f), 0.05f),
            ("DecoupledWeightDecay 0.05 around SGD momentum", () => new DecoupledWeightDecay(new SgdOptimizer(momentum: 0.9f), 0.05f), 0.05f),
            ("DecoupledWeightDecay 0.05 around Adam", () => new DecoupledWeightDecay(new AdamOptimizer(), 0.05f), 0.01f),
        })
        {
            yield return Wine("engine optimizer " + name, Relu16, new CategoricalCrossEntropyLoss(), optimizer, rate);
        }

        yield return Wine("engine gradient clip by value 0.02, SGD", Relu16, new CategoricalCrossEntropyLoss(), () => new SgdOptimizer(), 0.1f,
            transforms: () => [new ClipByValue(0.02f)]);
        yield return Wine("engine gradient clip by global norm 0.25, SGD", Relu16, new CategoricalCrossEntropyLoss(), () => new SgdOptimizer(), 0.1f,
            transforms: () => [new ClipByGlobalNorm(0.25f)]);
        yield return Wine("engine L2 regularization 0.01, SGD", Relu16, new CategoricalCrossEntropyLoss(), () => new SgdOptimizer(), 0.1f,
            transforms: () => [new L2Regularization(0.01f)]);
        yield return Wine("engine clip by value, clip by norm and L2 in a row, Adam", Relu16, new CategoricalCrossEntropyLoss(), () => new AdamOptimizer(), 0.01f,
            transforms: () => [new ClipByValue(0.05f), new ClipByGlobalNorm(0.5f), new L2Regularization(0.001f)]);

        yield return Wine("engine dropout 0.3", () => [new DenseLayer(32, Activation.Relu), new DropoutLayer(0.3f), new DenseLayer(3, Activation.Softmax)],
            new CategoricalCrossEntropyLoss(), () => new AdamOptimizer(), 0.01f);
        yield return Wine("engine batch norm", () => [new DenseLayer(16), new BatchNormLayer(), new ActivationLayer(Activation.Relu), new DenseLayer(3, Activation.Softmax)],
            new CategoricalCrossEntropyLoss(), () => new AdamOptimizer(), 0.01f);
        // 178 = 3 x 59 + 1: batch norm leaves the trailing one-row batch out of each epoch.
        yield return Wine("engine batch norm, batch 59 with a trailing one-row batch", () => [new DenseLayer(16), new BatchNormLayer(0.2f, 1e-3f), new ActivationLayer(Activation.Tanh), new DenseLayer(3, Activation.Softmax)],
            new CategoricalCrossEntropyLoss(), () => new AdamOptimizer(), 0.01f, batch: 59);
        yield return Wine("engine two hidden layers with batch norm and dropout, Nesterov", () =>
            [
                new DenseLayer(24), new BatchNormLayer(), new ActivationLayer(Activation.Relu), new DropoutLayer(0.2f),
                new DenseLayer(12), new BatchNormLayer(), new ActivationLayer(Activation.Silu), new DropoutLayer(0.1f),
                new DenseLayer(3, Activation.Softmax),
            ],
            new CategoricalCrossEntropyLoss(), () => new NesterovOptimizer(0.9f), 0.02f);

        foreach (var (name, activation) in new (string, IActivation)[]
        {
            ("identity", Activation.Identity), ("sigmoid", Activation.Sigmoid), ("tanh", Activation.Tanh), ("leaky ReLU", Activation.LeakyRelu),
            ("ELU", Activation.Elu), ("GELU", Activation.Gelu), ("SiLU", Activation.Silu),
        })
        {
            yield return Wine("engine hidden activation " + name, () => [new DenseLayer(16, activation), new DenseLayer(3, Activation.Softmax)],
                new CategoricalCrossEntropyLoss(), () => new AdamOptimizer(), 0.01f);
        }
        yield return Wine("engine activation layer GELU after a linear dense layer", () => [new DenseLayer(16), new ActivationLayer(Activation.Gelu), new DenseLayer(3, Activation.Softmax)],
            new CategoricalCrossEntropyLoss(), () => new AdamOptimizer(), 0.01f);
        yield return Wine("engine initializers XavierNormal and HeUniform", () => [new DenseLayer(16, Activation.Tanh, WeightInitializers.XavierNormal), new DenseLayer(3, Activation.Softmax, WeightInitializers.HeUniform)],
            new CategoricalCrossEntropyLoss(), () => new AdamOptimizer(), 0.01f);

        yield return Wine("engine loss cross-entropy, one-hot targets", Relu16, new CategoricalCrossEntropyLoss(), () => new AdamOptimizer(), 0.01f, oneHot: true);
        yield return Wine("engine loss cross-entropy, separate softmax layer (unfused)", () => [new DenseLayer(16, Activation.Relu), new DenseLayer(3), new ActivationLayer(Activation.Softmax)],
            new CategoricalCrossEntropyLoss(), () => new AdamOptimizer(), 0.01f);
        yield return Engine("engine loss binary cross-entropy, sigmoid output (fused)", d => d.Tabular("breast-cancer.csv").Classification(), 30,
            () => [new DenseLayer(16, Activation.Relu), new DenseLayer(1, Activation.Sigmoid)], new BinaryCrossEntropyLoss(), () => new AdamOptimizer(), 0.01f, batch: 32);
        yield return Engine("engine loss binary cross-entropy, separate sigmoid layer (unfused)", d => d.Tabular("breast-cancer.csv").Classification(), 30,
            () => [new DenseLayer(16, Activation.Relu), new DenseLayer(1), new ActivationLayer(Activation.Sigmoid)], new BinaryCrossEntropyLoss(), () => new AdamOptimizer(), 0.01f, batch: 32);
        yield return Engine("engine loss binary cross-entropy, two labels", TwoBinaryLabels, 30,
            () => [new DenseLayer(16, Activation.Relu), new DenseLayer(2, Activation.Sigmoid)], new BinaryCrossEntropyLoss(), () => new AdamOptimizer(), 0.01f, batch: 32);
        yield return Engine("engine loss mean squared error", d => d.Tabular("diabetes.csv").Regression(), 10,
            () => [new DenseLayer(16, Activation.Relu), new DenseLayer(1)], new MeanSquaredErrorLoss(), () => new AdamOptimizer(), 0.01f, batch: 32);
        yield return Engine("engine loss mean squared error, two outputs", TwoRegressionTargets, 10,
            () => [new DenseLayer(16, Activation.Tanh), new DenseLayer(2)], new MeanSquaredErrorLoss(), () => new SgdOptimizer(momentum: 0.9f), 0.01f, batch: 32);
        yield return Engine("engine example weights", d => d.Tabular("wine.csv").Classification(Weights(d.Tabular("wine.csv").Rows)), 13,
            Relu16, new CategoricalCrossEntropyLoss(), () => new AdamOptimizer(), 0.01f);

        // Schedules: SGD momentum 0.9, η₀ 0.05, 4 epochs (12 steps each).
        Func<IOptimizer> momentum = () => new SgdOptimizer(momentum: 0.9f);
        yield return Wine("engine schedule step decay every epoch by 0.5", Relu16, new CategoricalCrossEntropyLoss(), momentum, 0.05f, epochs: 4,
            schedule: () => new StepDecaySchedule(1, 0.5f));
        yield return Wine("engine schedule exponential decay per step", Relu16, new CategoricalCrossEntropyLoss(), momentum, 0.05f, epochs: 4,
            schedule: () => new ExponentialDecaySchedule(0.02f), unit: ScheduleUnit.Step);
        yield return Wine("engine schedule inverse-time decay per step", Relu16, new CategoricalCrossEntropyLoss(), momentum, 0.05f, epochs: 4,
            schedule: () => new InverseTimeDecaySchedule(0.05f), unit: ScheduleUnit.Step);
        yield return Wine("engine schedule cosine annealing per step", Relu16, new CategoricalCrossEntropyLoss(), momentum, 0.05f, epochs: 4,
            schedule: () => new CosineAnnealingSchedule(40, 1e-4f), unit: ScheduleUnit.Step);
        yield return Wine("engine schedule warm-up then cosine per step", Relu16, new CategoricalCrossEntropyLoss(), momentum, 0.05f, epochs: 4,
            schedule: () => new WarmupSchedule(12, new CosineAnnealingSchedule(36, 1e-4f), 0.1f), unit: ScheduleUnit.Step);
        yield return WineWithValidation("engine schedule reduce on plateau of the validation loss", Relu16, () => new AdamOptimizer(), 0.05f, epochs: 8,
            schedule: () => new ReduceOnPlateauSchedule(factor: 0.5f, patience: 0),
            check: r => RequireRateChanges(r));
        yield return WineWithValidation("engine schedule reduce on plateau of the validation accuracy around step decay", Relu16, () => new AdamOptimizer(), 0.05f, epochs: 8,
            schedule: () => new ReduceOnPlateauSchedule(new StepDecaySchedule(2, 0.9f), PlateauMode.Max, 0.5f, patience: 0),
            metric: new AccuracyMetric(), monitor: MonitoredQuantity.Metric,
            check: r => RequireRateChanges(r));

        yield return WineWithValidation("engine early stopping restores the best weights", Relu16, () => new AdamOptimizer(), 0.1f, epochs: 30,
            stopping: new EarlyStopping { Patience = 2, MinDelta = 1e-3, RestoreBestWeights = true },
            check: r =>
            {
                if (r.StopReason != StopReason.EarlyStopped || !r.RestoredBestWeights)
                    throw new InvalidOperationException($"Early stopping did not stop and restore: {r.StopReason}, restored {r.RestoredBestWeights}, {r.History.Count} epochs.");
            });
        yield return WineWithValidation("engine early stopping on accuracy without restoring", Relu16, () => new SgdOptimizer(), 0.05f, epochs: 30,
            stopping: new EarlyStopping { Monitor = MonitoredQuantity.Metric, Patience = 2, RestoreBestWeights = false, StartFromEpoch = 1 }, metric: new AccuracyMetric(),
            check: r =>
            {
                if (r.StopReason != StopReason.EarlyStopped || r.RestoredBestWeights)
                    throw new InvalidOperationException($"Early stopping on accuracy did not stop (or restored): {r.StopReason}, {r.History.Count} epochs.");
            });

        yield return Wine("engine without shuffling", Relu16, new CategoricalCrossEntropyLoss(), () => new AdamOptimizer(), 0.01f, shuffle: false);
        yield return Wine("engine batch size 1", Relu16, new CategoricalCrossEntropyLoss(), () => new SgdOptimizer(), 0.01f, epochs: 1, batch: 1);
        yield return Wine("engine full batch", Relu16, new CategoricalCrossEntropyLoss(), () => new SgdOptimizer(momentum: 0.9f), 0.5f, epochs: 5, batch: 178);

        // Big enough for the matrix products, the batch gather and the optimizer to be split over threads.
        foreach (int threads in new[] { 1, 2 })
        {
            yield return Engine($"engine MNIST 784-256-128-10 batch norm and dropout, AdamW, MaxThreads {threads}", d => MnistTrainingData(d, 1024), 784,
                () =>
                [
                    new DenseLayer(256), new BatchNormLayer(), new ActivationLayer(Activation.Relu), new DropoutLayer(0.2f),
                    new DenseLayer(128, Activation.Relu), new DropoutLayer(0.1f), new DenseLayer(10, Activation.Softmax),
                ],
                new CategoricalCrossEntropyLoss(), () => new AdamWOptimizer(), 1e-3f, epochs: 1, batch: 128, threads: threads,
                transforms: () => [new ClipByGlobalNorm(5f)]);
        }

        // ---- The ML.NET trainers on data standardized here. Every trainer case pins StandardizeFeatures off: the
        // recorded bits predate it. ----
        yield return Trainer("trainer binary", d =>
        {
            var ml = new MLContext(seed: 1);
            var t = d.Tabular("breast-cancer.csv");
            return ml.BinaryClassification.Trainers.Mlp(new MlpBinaryOptions { HiddenLayers = [16], LearningRate = 0.01f, NumberOfEpochs = 3, Seed = 2, StandardizeFeatures = false })
                .Fit(CompatibilityData.BooleanLabels(ml, t.StandardizedFeatures(), t.FeatureCount, t.Labels)).Model;
        });
        yield return Trainer("trainer binary positive class weight 2, GELU, two hidden layers", d =>
        {
            var ml = new MLContext(seed: 1);
            var t = d.Tabular("breast-cancer.csv");
            return ml.BinaryClassification.Trainers.Mlp(new MlpBinaryOptions
            {
                HiddenLayers = [16, 8], Activation = Activation.Gelu, PositiveInstanceWeight = 2f, LearningRate = 0.01f, NumberOfEpochs = 3, BatchSize = 16, Seed = 2, StandardizeFeatures = false,
            }).Fit(CompatibilityData.BooleanLabels(ml, t.StandardizedFeatures(), t.FeatureCount, t.Labels)).Model;
        });
        yield return Trainer("trainer regression standardized labels", d =>
        {
            var ml = new MLContext(seed: 1);
            var t = d.Tabular("diabetes.csv");
            return ml.Regression.Trainers.Mlp(new MlpRegressionOptions { HiddenLayers = [16, 8], LearningRate = 0.01f, NumberOfEpochs = 4, Seed = 2, StandardizeFeatures = false })
                .Fit(CompatibilityData.ScalarLabels(ml, t.StandardizedFeatures(), t.FeatureCount, t.Labels)).Model;
        });
        yield return Trainer("trainer regression raw labels", d =>
        {
            var ml = new MLContext(seed: 1);
            var t = d.Tabular("diabetes.csv");
            return ml.Regression.Trainers.Mlp(new MlpRegressionOptions { HiddenLayers = [16], StandardizeLabels = false, LearningRate = 0.05f, NumberOfEpochs = 4, Seed = 2, StandardizeFeatures = false })
                .Fit(CompatibilityData.ScalarLabels(ml, t.StandardizedFeatures(), t.FeatureCount, t.Labels)).Model;
        });
        yield return Trainer("trainer regression two outputs, standardized labels, batch norm", d =>
        {
            var ml = new MLContext(seed: 1);
            var t = d.Tabular("diabetes.csv");
            var bmi = t.FeatureColumn(2);
            var labels = Enumerable.Range(0, t.Rows).SelectMany(r => new[] { t.Labels[r], bmi[r] }).ToArray();
            return ml.Regression.Trainers.Mlp(new MlpRegressionOptions { HiddenLayers = [16], BatchNormalization = true, LearningRate = 0.01f, NumberOfEpochs = 4, Seed = 2, StandardizeFeatures = false })
                .Fit(CompatibilityData.VectorLabels(ml, t.StandardizedFeatures(), t.FeatureCount, labels, 2)).Model;
        });
        yield return Trainer("trainer multiclass example weights", d =>
        {
            var ml = new MLContext(seed: 1);
            var t = d.Tabular("wine.csv");
            var data = CompatibilityData.ScalarLabels(ml, t.StandardizedFeatures(), t.FeatureCount, t.Labels, Weights(t.Rows));
            return ml.Transforms.Conversion.MapValueToKey("Label")
                .Append(ml.MulticlassClassification.Trainers.Mlp(new MlpMulticlassOptions
                {
                    HiddenLayers = [16], ExampleWeightColumnName = "Weight", LearningRate = 0.01f, BatchSize = 16, NumberOfEpochs = 3, Seed = 2, StandardizeFeatures = false,
                }))
                .Fit(data).LastTransformer.Model;
        });
        yield return Trainer("trainer multiclass class weights", d =>
        {
            var ml = new MLContext(seed: 1);
            var t = d.Tabular("wine.csv");
            var data = CompatibilityData.ScalarLabels(ml, t.StandardizedFeatures(), t.FeatureCount, t.Labels);
            return ml.Transforms.Conversion.MapValueToKey("Label")
                .Append(ml.MulticlassClassification.Trainers.Mlp(new MlpMulticlassOptions
                {
                    HiddenLayers = [16], ClassWeights = [1f, 2.5f, 0.5f], LearningRate = 0.01f, BatchSize = 16, NumberOfEpochs = 3, Seed = 2, StandardizeFeatures = false,
                }))
                .Fit(data).LastTransformer.Model;
        });
        yield return Trainer("trainer multiclass validation fraction, reduce on plateau, early stopping", d =>
        {
            var ml = new MLContext(seed: 1);
            var t = d.Tabular("wine.csv");
            var data = CompatibilityData.ScalarLabels(ml, t.StandardizedFeatures(), t.FeatureCount, t.Labels);
            var model = ml.Transforms.Conversion.MapValueToKey("Label")
                .Append(ml.MulticlassClassification.Trainers.Mlp(new MlpMulticlassOptions
                {
                    HiddenLayers = [16], ValidationFraction = 0.25f, LearningRate = 0.05f, BatchSize = 16, NumberOfEpochs = 30, Seed = 2, StandardizeFeatures = false,
                    Schedule = new ReduceOnPlateauSchedule(factor: 0.5f, patience: 0),
                    EarlyStopping = new EarlyStopping { Patience = 3, MinDelta = 1e-3 },
                }))
                .Fit(data).LastTransformer.Model;
            if (model.History.Count == 30 || model.History.All(h => h.ValidationLoss is null) || model.History.Select(h => h.LearningRate).Distinct().Count() < 2)
                throw new InvalidOperationException("The validation split did not drive both the schedule and early stopping.");
            return model;
        });
        yield return Trainer("trainer multiclass batch norm, dropout, L2, clipping, weight decay, warm-up cosine", d =>
        {
            var ml = new MLContext(seed: 1);
            var t = d.Tabular("wine.csv");
            var data = CompatibilityData.ScalarLabels(ml, t.StandardizedFeatures(), t.FeatureCount, t.Labels);
            return ml.Transforms.Conversion.MapValueToKey("Label")
                .Append(ml.MulticlassClassification.Trainers.Mlp(new MlpMulticlassOptions
                {
                    HiddenLayers = [24, 12], Activation = Activation.Tanh, BatchNormalization = true, DropoutRate = 0.2f,
                    L2Regularization = 1e-3f, GradientClipValue = 0.5f, GradientClipNorm = 1f, WeightDecay = 1e-2f,
                    Optimizer = new NesterovOptimizer(0.9f), LearningRate = 0.05f,
                    Schedule = new WarmupSchedule(10, new CosineAnnealingSchedule(30)), ScheduleUnit = ScheduleUnit.Step,
                    BatchSize = 16, NumberOfEpochs = 4, Seed = 2, StandardizeFeatures = false,
                }))
                .Fit(data).LastTransformer.Model;
        });
    }

    private static Layer[] Relu16() => [new DenseLayer(16, Activation.Relu), new DenseLayer(3, Activation.Softmax)];

    /// <summary>Example weights 0.5, 1, 1.5, 2, 0.5, … (deterministic, no random source).</summary>
    private static float[] Weights(int rows) => Enumerable.Range(0, rows).Select(r => 0.5f + 0.5f * (r % 4)).ToArray();

    private static ParameterHashCase Workload(string name, int[] hidden, Func<IOptimizer> optimizer, float learningRate, int batchSize, int rows, int seed, int? threads) =>
        new(name, d =>
        {
            var ml = new MLContext(seed: 0);
            var train = ml.Data.LoadFromIdx(d.MnistImages, d.MnistLabels, rows);
            var model = ml.Transforms.Conversion.MapValueToKey("Label")
                .Append(ml.MulticlassClassification.Trainers.Mlp(new MlpMulticlassOptions
                {
                    HiddenLayers = hidden,
                    Optimizer = optimizer(),
                    LearningRate = learningRate,
                    BatchSize = batchSize,
                    NumberOfEpochs = 1,
                    Seed = seed,
                    NumberOfThreads = threads,
                    StandardizeFeatures = false,
                }))
                .Fit(train);
            return model.LastTransformer.Model.CopyNetwork();
        });

    private static ParameterHashCase Trainer(string name, Func<CompatibilityData, MlpModelParameters> train) =>
        new(name, d => train(d).CopyNetwork());

    private static ParameterHashCase Wine(string name, Func<Layer[]> layers, ILoss loss, Func<IOptimizer> optimizer, float learningRate,
        int epochs = 3, int batch = 16, Func<ILearningRateSchedule>? schedule = null, ScheduleUnit unit = ScheduleUnit.Epoch,
        Func<IGradientTransform[]>? transforms = null, bool shuffle = true, bool oneHot = false) =>
        Engine(name, d => oneHot ? OneHot(d.Tabular("wine.csv").Classification(), 3) : d.Tabular("wine.csv").Classification(), 13, layers, loss, optimizer, learningRate,
            epochs, batch, schedule, unit, transforms, shuffle);

    /// <summary>Trains on the even rows of wine and validates on the odd ones, with cross-entropy.</summary>
    private static ParameterHashCase WineWithValidation(string name, Func<Layer[]> layers, Func<IOptimizer> optimizer, float learningRate, int epochs,
        Func<ILearningRateSchedule>? schedule = null, EarlyStopping? stopping = null, IMetric? metric = null, MonitoredQuantity monitor = MonitoredQuantity.Loss,
        Action<TrainingResult>? check = null) =>
        new(name, d =>
        {
            var all = d.Tabular("wine.csv").Classification();
            var train = CompatibilityData.Table.Slice(all, 0, all.Rows, everyOther: true, odd: false);
            var validation = CompatibilityData.Table.Slice(all, 0, all.Rows, everyOther: true, odd: true);
            var network = new Network(13, layers());
            network.Initialize(1);
            var result = NetworkTrainer.Fit(network, train, validation, new TrainingOptions
            {
                Loss = new CategoricalCrossEntropyLoss(),
                Optimizer = optimizer(),
                LearningRate = learningRate,
                Schedule = schedule?.Invoke() ?? new ConstantSchedule(),
                ScheduleMonitor = monitor,
                Metric = metric,
                EarlyStopping = stopping,
                Epochs = epochs,
                BatchSize = 16,
                Seed = 5,
            });
            check?.Invoke(result);
            return network;
        });

    private static ParameterHashCase Engine(string name, Func<CompatibilityData, TrainingData> data, int inputs, Func<Layer[]> layers, ILoss loss,
        Func<IOptimizer> optimizer, float learningRate, int epochs = 3, int batch = 16, Func<ILearningRateSchedule>? schedule = null,
        ScheduleUnit unit = ScheduleUnit.Epoch, Func<IGradientTransform[]>? transforms = null, bool shuffle = true, int? threads = null) =>
        new(name, d =>
        {
            var network = new Network(inputs, layers());
            network.Initialize(1);
            NetworkTrainer.Fit(network, data(d), null, new TrainingOptions
            {
                Loss = loss,
                Optimizer = optimizer(),
                LearningRate = learningRate,
                Schedule = schedule?.Invoke() ?? new ConstantSchedule(),
                ScheduleUnit = unit,
                GradientTransforms = transforms?.Invoke() ?? [],
                Epochs = epochs,
                BatchSize = batch,
                Shuffle = shuffle,
                Seed = 5,
                MaxThreads = threads,
            });
            return network;
        });

    private static void RequireRateChanges(TrainingResult result)
    {
        if (result.History.Select(h => h.LearningRate).Distinct().Count() < 2)
            throw new InvalidOperationException("Reduce on plateau never changed the learning rate.");
    }

    private static TrainingData OneHot(TrainingData data, int classes)
    {
        var targets = new float[data.Rows * classes];
        for (int r = 0; r < data.Rows; r++) targets[r * classes + (int)data.Targets[r]] = 1f;
        return new TrainingData(data.Features, data.FeatureCount, targets, classes, data.Weights);
    }

    /// <summary>Breast cancer with two 0/1 targets: malignant, and a mean radius above the average.</summary>
    private static TrainingData TwoBinaryLabels(CompatibilityData d)
    {
        var t = d.Tabular("breast-cancer.csv");
        var features = t.StandardizedFeatures();
        var targets = new float[t.Rows * 2];
        for (int r = 0; r < t.Rows; r++)
        {
            targets[2 * r] = t.Labels[r];
            targets[2 * r + 1] = features[r * t.FeatureCount] > 0f ? 1f : 0f;
        }
        return new TrainingData(features, t.FeatureCount, targets, 2);
    }

    /// <summary>Diabetes with two standardized targets: the disease progression and the body-mass index.</summary>
    private static TrainingData TwoRegressionTargets(CompatibilityData d)
    {
        var t = d.Tabular("diabetes.csv");
        var progression = t.StandardizedLabels();
        var bmi = CompatibilityData.Standardize(t.FeatureColumn(2), 1);
        var targets = new float[t.Rows * 2];
        for (int r = 0; r < t.Rows; r++)
        {
            targets[2 * r] = progression[r];
            targets[2 * r + 1] = bmi[r];
        }
        return new TrainingData(t.StandardizedFeatures(), t.FeatureCount, targets, 2);
    }

    private static TrainingData MnistTrainingData(CompatibilityData d, int rows)
    {
        var set = d.Mnist(rows);
        return new TrainingData(set.Features.ToArray(), set.FeatureCount, set.Labels.ToArray(), 1);
    }
}
