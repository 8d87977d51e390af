using System.Diagnostics;
using System.Runtime.CompilerServices;
using MLNet.Mlp.Layers;
using MLNet.Mlp.Networks;
using MLNet.Mlp.Numerics;
using MLNet.Mlp.Numerics.Elementwise;
using MLNet.Mlp.Optimizers;
using MLNet.Mlp.Schedules;

namespace MLNet.Mlp.Training;

/// <summary>
/// The mini-batch training loop: forward pass → loss → backward pass → gradient transforms → optimizer update,
/// repeated over shuffled batches for each epoch, with validation, early stopping, reduce-on-plateau, divergence
/// detection and cancellation. After the first step it allocates nothing per step.
/// </summary>
public static class NetworkTrainer
{
    // Random streams: one per purpose so that adding dropout does not change the shuffle.
    private const ulong ShuffleStream = 2, DropoutStream = 3;

    /// <summary>Trains a network from its current weights.</summary>
    /// <param name="network">An initialized network.</param>
    /// <param name="train">Training examples.</param>
    /// <param name="validation">Validation examples, or null.</param>
    /// <param name="options">How to train.</param>
    public static TrainingResult Fit(Network network, TrainingData train, TrainingData? validation, TrainingOptions options)
        => Fit(new TrainingState(network), train, validation, options);

    /// <summary>Continues training from <paramref name="state"/>, which is updated in place.</summary>
    /// <param name="state">The network and the optimizer/schedule state to continue from.</param>
    /// <param name="train">Training examples.</param>
    /// <param name="validation">Validation examples, or null.</param>
    /// <param name="options">How to train; <see cref="TrainingOptions.Epochs"/> more epochs are run.</param>
    public static TrainingResult Fit(TrainingState state, TrainingData train, TrainingData? validation, TrainingOptions options)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var network = state.Network;
        CheckShapes(network, train, nameof(train));
        if (validation != null) CheckShapes(network, validation, nameof(validation));

        int threads = options.MaxThreads ?? Environment.ProcessorCount;
        int batchSize = Math.Min(options.BatchSize, train.Rows);
        var optimizer = options.Optimizer;
        // A saved state is continued only by the same optimizer in the same configuration: a name alone does not tell
        // Adam from AMSGrad (two buffers or three), and a state of the wrong shape would fail in the middle of a step.
        if (state.OptimizerState == null || state.OptimizerName != optimizer.Name || state.OptimizerState.ParameterCount != network.ParameterCount
            || state.OptimizerState.BufferCount != optimizer.CreateState(0).BufferCount)
        {
            state.OptimizerState = optimizer.CreateState(network.ParameterCount);
            state.OptimizerName = optimizer.Name;
        }
        var optimizerState = state.OptimizerState;
        var plateau = options.Schedule as IMetricDrivenSchedule;
        if (plateau != null)
        {
            if (state.ScheduleState != null) plateau.SetState(state.ScheduleState);
            else plateau.Reset();
        }

        // Every buffer the loop needs, allocated once.
        var ws = new NetworkWorkspace(network, batchSize);
        int f = train.FeatureCount, tw = train.TargetWidth, outputs = network.OutputSize;
        var batchX = new float[batchSize * f];
        var batchY = new float[batchSize * tw];
        var batchW = train.Weights != null ? new float[batchSize] : null;
        var order = new int[train.Rows];
        var trainOutputs = options.Metric != null ? new float[train.Rows * outputs] : null;
        var orderedTargets = options.Metric != null ? new float[train.Rows * tw] : null;
        var orderedWeights = options.Metric != null && train.Weights != null ? new float[train.Rows] : null;
        var validationOutputs = validation != null ? new float[validation.Rows * outputs] : null;
        // Validation runs in the same chunks as EvaluateLoss and Predict, whatever the batch size, so the losses it
        // reports are exactly what those give (the matrix kernel's rounding depends on the chunk's row count).
        var validationWs = validation != null ? new NetworkWorkspace(network, Math.Min(validation.Rows, Network.InferenceChunk)) : null;
        var lastGood = new EpochCheckpoint(state);
        var parameters = network.ParameterArray;
        var gradients = network.GradientArray;
        // One generator for every step's dropout masks, reseeded from (seed, step) each step: a new RandomSource
        // per step would allocate (System.Random's base constructor creates an implementation object).
        var dropoutRandom = network.Layers.Any(l => l is DropoutLayer) ? new RandomSource(options.Seed, DropoutStream) : null;
        bool hasBatchNorm = network.Layers.Any(l => l is BatchNormLayer);
        if (hasBatchNorm && (train.Rows < 2 || options.BatchSize < 2))
            throw new ArgumentException($"Batch normalization needs at least two examples per batch; got {train.Rows} rows and batch size {options.BatchSize}.", nameof(options));
        var transforms = options.GradientTransforms;
        var tuner = new StepThreadTuner(threads);
        var gather = new BatchGather();

        var stopping = options.EarlyStopping;
        double best = double.NaN;
        int bestEpoch = 0, wait = 0;
        float[]? bestParameters = null, bestState = null;
        bool higherIsBetter = stopping?.Monitor == MonitoredQuantity.Metric && options.Metric!.HigherIsBetter;

        var history = new List<EpochRecord>();
        var reason = StopReason.Completed;
        for (int run = 0; run < options.Epochs && reason == StopReason.Completed; run++)
        {
            int epochIndex = state.EpochsCompleted;   // 0-based over all runs
            var clock = Stopwatch.StartNew();
            for (int i = 0; i < order.Length; i++) order[i] = i;
            if (options.Shuffle) new RandomSource(options.Seed, ShuffleStream, (ulong)epochIndex).ShuffleInPlace(order);

            tuner.StartEpoch();
            double lossSum = 0, weightSum = 0;
            int rowsTrained = 0;
            float learningRate = 0f;
            int steps = 0;
            for (int start = 0; start < train.Rows; start += batchSize)
            {
                if (options.CancellationToken.IsCancellationRequested) { reason = StopReason.Cancelled; break; }
                int rows = Math.Min(batchSize, train.Rows - start);
                // Batch statistics of a single example are degenerate (zero variance drags the running variance to 0):
                // a trailing one-row batch is left out of this epoch; the shuffle puts that example elsewhere next time.
                if (rows == 1 && hasBatchNorm && start > 0) break;
                int stepThreads = tuner.BeginStep();
                gather.Run(train.Features, f, order, start, rows, batchX, stepThreads);
                gather.Run(train.Targets, tw, order, start, rows, batchY, 1);
                if (batchW != null) gather.Run(train.Weights!, 1, order, start, rows, batchW, 1);
                ReadOnlySpan<float> w = batchW != null ? batchW.AsSpan(0, rows) : default;

                long t = options.ScheduleUnit == ScheduleUnit.Step ? state.Step : epochIndex;
                learningRate = options.Schedule.GetLearningRate(options.LearningRate, t);
                dropoutRandom?.Reseed(options.Seed, DropoutStream, (ulong)state.Step);
                var context = new ForwardContext(true, stepThreads, dropoutRandom);
                network.Forward(ws, batchX, rows, context);
                double loss = network.Backward(ws, batchX, batchY.AsSpan(0, rows * tw), w, options.Loss, rows, 1f / rows, context);
                if (!double.IsFinite(loss)) Diverge(state, lastGood, epochIndex, steps, learningRate, "loss");

                var step = new OptimizerStep(learningRate, state.Step + 1, network.DecayedParameterCount) { MaxThreads = stepThreads };
                // Indexed, not foreach: enumerating an IReadOnlyList allocates an enumerator every step.
                for (int i = 0; i < transforms.Count; i++) transforms[i].Apply(gradients, parameters, step);
                if (FiniteCheck.IndexOfNonFinite(gradients) >= 0) Diverge(state, lastGood, epochIndex, steps, learningRate, "gradient");
                optimizer.Update(parameters, gradients, optimizerState, step);
                state.Step++;
                steps++;
                tuner.EndStep();

                lossSum += loss;
                weightSum += w.IsEmpty ? rows : WeightTotal(w);
                if (trainOutputs != null)
                {
                    ws.Output(rows).CopyTo(trainOutputs.AsSpan(start * outputs));
                    batchY.AsSpan(0, rows * tw).CopyTo(orderedTargets.AsSpan(start * tw));
                    if (orderedWeights != null) w.CopyTo(orderedWeights.AsSpan(start));
                }
                rowsTrained = start + rows;
            }
            if (reason == StopReason.Cancelled) break;

            // Batch norm makes the weights before it scale-free: they can grow until the running statistics overflow
            // while the loss, normalized with batch statistics, stays finite. Inference would then answer NaN.
            if (FiniteCheck.IndexOfNonFinite(parameters) >= 0 || FiniteCheck.IndexOfNonFinite(network.StateArray) >= 0)
                Diverge(state, lastGood, epochIndex, steps, learningRate, "weight");
            state.EpochsCompleted++;
            double trainLoss = lossSum / Math.Max(weightSum, double.Epsilon);
            // Only the rows trained this epoch (batch norm may leave out a trailing one-row batch).
            double? trainMetric = options.Metric?.Compute(trainOutputs.AsSpan(0, rowsTrained * outputs), orderedTargets.AsSpan(0, rowsTrained * tw),
                orderedWeights is null ? default : orderedWeights.AsSpan(0, rowsTrained), outputs);
            double? validationLoss = null, validationMetric = null;
            if (validation != null)
            {
                validationLoss = Evaluate(network, validationWs!, validation, options.Loss, validationOutputs!, threads);
                validationMetric = options.Metric?.Compute(validationOutputs, validation.Targets, validation.Weights, outputs);
            }
            var record = new EpochRecord(state.EpochsCompleted, trainLoss, trainMetric, validationLoss, validationMetric, learningRate, clock.Elapsed.TotalSeconds, steps);
            history.Add(record);
            state.History.Add(record);
            lastGood.Capture(state);

            double lossMonitor = validationLoss ?? trainLoss;
            double? metricMonitor = validationMetric ?? trainMetric;
            if (plateau != null)
            {
                plateau.Report(options.ScheduleMonitor == MonitoredQuantity.Metric ? metricMonitor!.Value : lossMonitor);
                state.ScheduleState = plateau.GetState();
            }

            if (stopping != null && run >= stopping.StartFromEpoch)
            {
                double value = stopping.Monitor == MonitoredQuantity.Metric ? metricMonitor!.Value : lossMonitor;
                // A NaN value (e.g. a metric over zero total weight) is never an improvement, so it cannot keep training going.
                bool improved = !double.IsNaN(value)
                    && (double.IsNaN(best) || (higherIsBetter ? value > best + stopping.MinDelta : value < best - stopping.MinDelta));
                if (improved)
                {
                    best = value;
                    bestEpoch = record.Epoch;
                    wait = 0;
                    if (stopping.RestoreBestWeights)
                    {
                        bestParameters ??= new float[parameters.Length];
                        bestState ??= new float[network.StateArray.Length];
                        parameters.CopyTo(bestParameters, 0);
                        network.StateArray.CopyTo(bestState, 0);
                    }
                }
                else if (++wait >= stopping.Patience)
                {
                    reason = StopReason.EarlyStopped;
                }
            }
            options.EpochCompleted?.Invoke(record);
        }

        bool restored = false;
        if (stopping is { RestoreBestWeights: true } && bestParameters != null && bestEpoch != state.EpochsCompleted && reason != StopReason.Cancelled)
        {
            network.SetParameters(bestParameters, bestState);
            restored = true;
        }
        return new TrainingResult(history, reason, stopping != null && bestEpoch > 0 ? bestEpoch : null, restored);
    }

    // Σ w in double, in order: per step, so optimized from the first call and without TensorPrimitives (see
    // docs/jit-tiering.md).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static double WeightTotal(ReadOnlySpan<float> weights)
    {
        double total = 0;
        for (int i = 0; i < weights.Length; i++) total += weights[i];
        return total;
    }

    /// <summary>The weighted mean loss of <paramref name="network"/> on <paramref name="data"/> in inference mode.</summary>
    /// <param name="network">The network.</param>
    /// <param name="data">Examples.</param>
    /// <param name="loss">The loss.</param>
    /// <param name="maxThreads">Cores the kernels may use.</param>
    public static double EvaluateLoss(Network network, TrainingData data, Losses.ILoss loss, int maxThreads = 1)
    {
        CheckShapes(network, data, nameof(data));
        var ws = new NetworkWorkspace(network, Math.Min(data.Rows, Network.InferenceChunk));
        return Evaluate(network, ws, data, loss, new float[data.Rows * network.OutputSize], maxThreads);
    }

    private static double Evaluate(Network network, NetworkWorkspace ws, TrainingData data, Losses.ILoss loss, float[] outputs, int threads)
    {
        var context = ForwardContext.Inference(threads);
        int f = data.FeatureCount, tw = data.TargetWidth, k = network.OutputSize;
        var last = network.Layers[^1];
        double total = 0, weightSum = 0;
        for (int start = 0; start < data.Rows; start += ws.Capacity)
        {
            int rows = Math.Min(ws.Capacity, data.Rows - start);
            network.Forward(ws, data.Features.AsSpan(start * f, rows * f), rows, context);
            var output = ws.Output(rows);
            var targets = data.Targets.AsSpan(start * tw, rows * tw);
            ReadOnlySpan<float> w = data.Weights != null ? data.Weights.AsSpan(start, rows) : default;
            var scratch = ws.GradientA.AsSpan(0, rows * k);
            if (!(last is DenseLayer dense
                  && loss.TryComputeFused(dense.Activation, ws.Caches[^1].AsSpan(0, rows * k), output, targets, w, scratch, k, 1f, out double batchLoss)))
                batchLoss = loss.Compute(output, targets, w, scratch, k, 1f);
            total += batchLoss;
            weightSum += w.IsEmpty ? rows : WeightTotal(w);
            output.CopyTo(outputs.AsSpan(start * k));
        }
        return total / Math.Max(weightSum, double.Epsilon);
    }

    private static void CheckShapes(Network network, TrainingData data, string name)
    {
        if (data.FeatureCount != network.InputSize)
            throw new ArgumentException($"The {name} data has {data.FeatureCount} features per row but the network expects {network.InputSize}.", name);
    }

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private static void Diverge(TrainingState state, EpochCheckpoint lastGood, int epochIndex, int stepsDone, float learningRate, string what)
    {
        int? restoredTo = null;
        var network = state.Network;
        if (FiniteCheck.IndexOfNonFinite(network.ParameterArray) >= 0 || FiniteCheck.IndexOfNonFinite(network.StateArray) >= 0)
        {
            lastGood.Restore(state);
            restoredTo = lastGood.Epoch;
        }
        throw new TrainingDivergedException(epochIndex + 1, stepsDone + 1, learningRate, what, restoredTo);
    }

    /// <summary>
    /// The training state after the last completed epoch: weights, batch-norm statistics, optimizer state and step.
    /// Restored together when a divergence has already made the weights non-finite, so the state is again one a run
    /// could continue from (weights alone would be paired with a later step's optimizer moments).
    /// </summary>
    private sealed class EpochCheckpoint
    {
        private readonly float[] _parameters, _state;
        private readonly OptimizerState _optimizer;
        private long _step;

        public EpochCheckpoint(TrainingState state)
        {
            _parameters = new float[state.Network.ParameterCount];
            _state = new float[state.Network.StateArray.Length];
            _optimizer = state.OptimizerState!.Clone();
            Capture(state);
        }

        public int Epoch { get; private set; }

        public void Capture(TrainingState state)
        {
            state.Network.ParameterArray.CopyTo(_parameters, 0);
            state.Network.StateArray.CopyTo(_state, 0);
            _optimizer.CopyFrom(state.OptimizerState!);
            _step = state.Step;
            Epoch = state.EpochsCompleted;
        }

        public void Restore(TrainingState state)
        {
            state.Network.SetParameters(_parameters, _state);
            state.OptimizerState!.CopyFrom(_optimizer);
            state.Step = _step;
        }
    }
}
