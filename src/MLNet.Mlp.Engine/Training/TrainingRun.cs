using System.Diagnostics;
using System.Runtime.CompilerServices;
using MLNet.Mlp.Layers;
using MLNet.Mlp.Numerics;
using MLNet.Mlp.Numerics.Elementwise;
using MLNet.Mlp.Optimizers;
using MLNet.Mlp.Schedules;

namespace MLNet.Mlp.Training;

/// <summary>
/// One call of <see cref="NetworkTrainer.Fit(TrainingState, TrainingData, TrainingData?, TrainingOptions)"/>: the
/// epoch loop over validated settings, with every buffer it needs allocated up front.
/// </summary>
internal sealed class TrainingRun
{
    private readonly TrainingState _state;
    private readonly TrainingData _train;
    private readonly TrainingOptions _options;
    private readonly int _maxThreads;
    private readonly bool _hasBatchNorm;
    private readonly TrainingStep _step;
    private readonly MinibatchSource _batches;
    private readonly EpochOutputs? _epochOutputs;
    private readonly LossEvaluator? _validation;
    private readonly ReduceOnPlateauSchedule? _plateau;
    private readonly PlateauState? _plateauState;
    private readonly EarlyStoppingMonitor? _earlyStopping;
    private readonly ImprovementCriterion? _convergence;
    private readonly ImprovementTracker _convergenceTracker = new(), _trainingLossTracker = new();
    private bool _convergedOnTrainingLoss;
    private double? _firstBatchLoss;
    private readonly DivergenceGuard _divergence;
    private readonly StepThreadTuner _tuner;
    private readonly SparseBatch? _sparse;
    private readonly LazyFirstLayerUpdate? _lazy;

    /// <param name="state">The network and optimizer state to continue from.</param>
    /// <param name="train">Training examples.</param>
    /// <param name="validation">Validation examples, or null.</param>
    /// <param name="options">How to train.</param>
    /// <param name="skipZeros">Whether the first layer reads the dense training rows' non-zeros only
    /// (<see cref="ZeroSkipping.Applies"/>, which the caller decided, having held the layer input-major for it).</param>
    public TrainingRun(TrainingState state, TrainingData train, TrainingData? validation, TrainingOptions options, bool skipZeros)
    {
        _state = state;
        _train = train;
        _options = options;
        var network = state.Network;
        _maxThreads = options.MaxThreads ?? Environment.ProcessorCount;
        _hasBatchNorm = network.Layers.Any(l => l is BatchNormLayer);
        int batchSize = Math.Min(options.BatchSize, train.Rows);
        PrepareOptimizerState(state, options.Optimizer);
        _plateau = options.Schedule as ReduceOnPlateauSchedule;
        _plateauState = _plateau is null ? null : state.Plateau ?? _plateau.CreateState();
        _step = new TrainingStep(network, batchSize, options.Seed) { StepCount = state.Step };
        _batches = new MinibatchSource(train, batchSize, options.Shuffle, options.Seed);
        _epochOutputs = options.Metric != null ? new EpochOutputs(train, network.OutputSize) : null;
        _validation = validation != null ? new LossEvaluator(network, validation) : null;
        _earlyStopping = options.EarlyStopping is { } stopping
            ? new EarlyStoppingMonitor(stopping, stopping.Monitor == MonitoredQuantity.Metric && options.Metric!.HigherIsBetter)
            : null;
        _convergence = options.Convergence?.ToImprovementCriterion();
        _tuner = new StepThreadTuner(_maxThreads);
        if (train.SparseFeatures is { } sparse && network.Layers[0] is DenseLayer)
        {
            _sparse = new SparseBatch(train.FeatureCount, batchSize, SparseBatch.MaxNonZeros(sparse, batchSize));
            _step.SparseInput = _sparse;
            if (options.SparseUpdates == SparseUpdateMode.Lazy && LazyFirstLayerUpdate.Supports(options.Optimizer, options.GradientTransforms, out _))
                _lazy = new LazyFirstLayerUpdate(network, options.Optimizer, _sparse.MaxTouched);
        }
        else if (skipZeros)
        {
            // Dense data keeps dense steps: only the first layer's passes skip the zeros.
            _sparse = SparseBatch.ForDenseRows(train.FeatureCount, batchSize, train.InputOffset);
            _step.SparseInput = _sparse;
        }
        // Lazy sparse steps check their result before writing it back, so without batch norm the weights are never
        // left non-finite: no copy of a first layer of 10⁵–10⁶ inputs (and its moments) is kept for a restore.
        _divergence = new DivergenceGuard(state, keepsSnapshot: _lazy is null || _hasBatchNorm) { AlwaysRestore = options.RestoreLastEpochOnDivergence };
    }

    /// <summary>Trains <see cref="TrainingOptions.Epochs"/> epochs, or until converged within the limits of
    /// <see cref="TrainingOptions.Convergence"/>, unless early stopping or cancellation ends the run sooner.</summary>
    public TrainingResult Run()
    {
        var history = new List<EpochRecord>();
        var reason = StopReason.Completed;
        var convergence = _options.Convergence;
        int epochs = convergence?.MaximumNumberOfEpochs ?? _options.Epochs;
        long firstStep = _state.Step;
        for (int epochOfRun = 0; epochOfRun < epochs && reason == StopReason.Completed; epochOfRun++)
        {
            var record = TrainEpoch();
            if (record is null)
            {
                reason = StopReason.Cancelled;
                break;
            }
            history.Add(record);
            _state.History.Add(record);
            _divergence.EpochCompleted();
            ReportToSchedule(record);
            if (_earlyStopping?.ShouldStop(epochOfRun, record, _state.Network) == true) reason = StopReason.EarlyStopped;
            else if (convergence != null) reason = ConvergenceReason(record, epochOfRun + 1, _state.Step - firstStep, convergence);
            _options.EpochCompleted?.Invoke(record);
        }

        // A cancelled run keeps the weights of its last step.
        bool restored = reason != StopReason.Cancelled && _earlyStopping?.RestoreBestWeights(_state.Network, _state.EpochsCompleted) == true;
        return new TrainingResult(history, reason, _earlyStopping?.BestEpoch, restored)
        {
            FirstBatchLoss = _firstBatchLoss, ConvergedOnTrainingLoss = reason == StopReason.Converged && _convergedOnTrainingLoss,
        };
    }

    /// <summary>Whether a run until convergence ends after this epoch: converged, at a limit, or not yet (Completed).</summary>
    private StopReason ConvergenceReason(EpochRecord record, int epochsOfRun, long stepsOfRun, ConvergenceCriterion convergence)
    {
        if (!_convergenceTracker.Report(record.MonitoredValue(MonitoredQuantity.Loss), _convergence!) && _convergenceTracker.IsPatienceExhausted(_convergence!))
            return StopReason.Converged;
        // With validation data, the training loss settling ends the run too (see ConvergenceCriterion).
        if (record.ValidationLoss != null && !_trainingLossTracker.Report(record.TrainingLoss, _convergence!) && _trainingLossTracker.IsPatienceExhausted(_convergence!))
        {
            _convergedOnTrainingLoss = true;
            return StopReason.Converged;
        }
        return epochsOfRun >= convergence.MaximumNumberOfEpochs || stepsOfRun >= convergence.MaximumNumberOfSteps ? StopReason.ReachedLimit : StopReason.Completed;
    }

    /// <summary>
    /// A saved optimizer state is continued only by the optimizer that produced it. A state saved by another optimizer
    /// (another <see cref="IOptimizer.Name"/>, or none) is replaced by a fresh one: warm-starting a model with a
    /// different optimizer is legitimate. A state saved under the same name but of another shape (buffer count or
    /// parameter count) cannot be continued and is refused: silently starting afresh would give a run that differs
    /// from an uninterrupted one without a word (e.g. a checkpoint that lost AMSGrad's running maximum, or Adam
    /// continued as AMSGrad, which shares its name).
    /// </summary>
    /// <exception cref="InvalidOperationException">The state was saved under the optimizer's name but has another shape.</exception>
    private static void PrepareOptimizerState(TrainingState state, IOptimizer optimizer)
    {
        int parameters = state.Network.ParameterCount;
        if (state.OptimizerState is not { } saved || state.OptimizerName != optimizer.Name)
        {
            state.OptimizerState = optimizer.CreateState(parameters);
            state.OptimizerName = optimizer.Name;
            return;
        }

        int buffers = optimizer.CreateState(0).BufferCount;
        if (saved.BufferCount != buffers || saved.ParameterCount != parameters)
        {
            throw new InvalidOperationException(
                $"The saved optimizer state of {optimizer.Name} cannot be continued: {optimizer.Name} expects {buffers} buffer(s) of {parameters} values, "
                + $"found {saved.BufferCount} buffer(s) of {saved.ParameterCount} values. The state was saved by another configuration of the optimizer "
                + "(e.g. Adam and AMSGrad) or is damaged; continue with the optimizer configuration that saved it, or clear TrainingState.OptimizerState "
                + "to start a fresh optimizer state.");
        }
    }

    /// <summary>One pass over the training data, then its record (with validation); null when cancelled.</summary>
    private EpochRecord? TrainEpoch()
    {
        int epochIndex = _state.EpochsCompleted;   // 0-based over all runs
        var clock = Stopwatch.StartNew();
        _batches.StartEpoch(epochIndex);
        _tuner.StartEpoch();
        var totals = new EpochTotals { LastProgress = clock.Elapsed };
        if (!TrainBatches(epochIndex, clock, ref totals)) return null;
        _divergence.CheckWeights(epochIndex, totals.Steps, totals.LearningRate);
        _state.EpochsCompleted++;
        return Summarize(totals, clock);
    }

    /// <summary>Trains every batch of the epoch in order; false when cancelled.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool TrainBatches(int epochIndex, Stopwatch clock, ref EpochTotals totals)
    {
        int batchSize = _batches.BatchSize, trainRows = _train.Rows;
        for (int start = 0; start < trainRows; start += batchSize)
        {
            if (_options.CancellationToken.IsCancellationRequested) return false;
            int rows = Math.Min(batchSize, trainRows - start);
            // Batch statistics of a single example are degenerate (zero variance drags the running variance to 0):
            // a trailing one-row batch is left out of this epoch; the shuffle puts that example elsewhere next time.
            if (rows == 1 && _hasBatchNorm && start > 0) break;
            TrainBatch(epochIndex, start, rows, ref totals);
            if (_options.ProgressReported is { } report && clock.Elapsed - totals.LastProgress >= _options.ProgressInterval)
            {
                totals.LastProgress = clock.Elapsed;
                report(new EpochProgress(epochIndex + 1, totals.RowsTrained, trainRows, totals.Steps,
                    totals.LossSum / Math.Max(totals.WeightSum, double.Epsilon), totals.LastProgress.TotalSeconds));
            }
        }
        return true;
    }

    /// <summary>One step: gather the batch, forward, backward, transform the gradients, update.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void TrainBatch(int epochIndex, int start, int rows, ref EpochTotals totals)
    {
        int threads = _tuner.BeginStep();
        _batches.Gather(start, rows, _sparse != null ? [] : _step.InputBuffer, threads, _sparse);
        var targets = _batches.Targets(rows);
        var weights = _batches.Weights(rows);
        float learningRate = LearningRate(epochIndex);
        totals.LearningRate = learningRate;

        _step.MaxThreads = threads;
        _step.ForwardInputBuffer(rows);
        double loss = _step.Backward(targets, _options.Loss, weights);
        if (!double.IsFinite(loss)) _divergence.Diverge(epochIndex, totals.Steps, learningRate, "loss");
        if (_lazy != null)
        {
            if (!_lazy.GradientsAreFinite(_sparse!)) _divergence.Diverge(epochIndex, totals.Steps, learningRate, "gradient");
            if (!_step.UpdateLazily(_lazy, _options.Optimizer, _state.OptimizerState!, learningRate))
                _divergence.Diverge(epochIndex, totals.Steps, learningRate, "weight");
        }
        else
        {
            _step.TransformGradients(_options.GradientTransforms, learningRate);
            if (FiniteCheck.IndexOfNonFinite(_state.Network.GradientArray) >= 0) _divergence.Diverge(epochIndex, totals.Steps, learningRate, "gradient");
            _step.Update(_options.Optimizer, _state.OptimizerState!, learningRate);
        }
        _state.Step = _step.StepCount;
        totals.Steps++;
        _tuner.EndStep();

        double weightSum = ExampleWeights.Total(weights, rows);
        _firstBatchLoss ??= loss / Math.Max(weightSum, double.Epsilon);
        totals.LossSum += loss;
        totals.WeightSum += weightSum;
        _epochOutputs?.Add(start, _step.Output, targets, weights);
        totals.RowsTrained = start + rows;
    }

    /// <summary>η of the coming step: the schedule at the epoch or step, times the plateau's reductions if any.</summary>
    private float LearningRate(int epochIndex)
    {
        long t = _options.ScheduleUnit == ScheduleUnit.Step ? _state.Step : epochIndex;
        return _plateau != null
            ? _plateau.GetLearningRate(_options.LearningRate, t, _plateauState!)
            : _options.Schedule.GetLearningRate(_options.LearningRate, t);
    }

    /// <summary>The epoch's record: training loss and metric over its batches, then the validation loss and metric.</summary>
    private EpochRecord Summarize(in EpochTotals totals, Stopwatch clock)
    {
        var metric = _options.Metric;
        double trainLoss = totals.LossSum / Math.Max(totals.WeightSum, double.Epsilon);
        double? trainMetric = metric != null ? _epochOutputs!.Compute(metric, totals.RowsTrained) : null;
        double? validationLoss = null, validationMetric = null;
        if (_validation != null)
        {
            validationLoss = _validation.Evaluate(_options.Loss, _maxThreads);
            var data = _validation.Data;
            validationMetric = metric?.Compute(_validation.Outputs, data.Targets, data.Weights, _state.Network.OutputSize);
        }
        return new EpochRecord(_state.EpochsCompleted, trainLoss, trainMetric, validationLoss, validationMetric, totals.LearningRate,
            clock.Elapsed.TotalSeconds, totals.Steps);
    }

    /// <summary>Tells a reduce-on-plateau schedule the epoch's monitored value; its state joins the training state.</summary>
    private void ReportToSchedule(EpochRecord record)
    {
        if (_plateau is null) return;
        _plateau.Report(_plateauState!, record.MonitoredValue(_options.ScheduleMonitor));
        _state.Plateau = _plateauState;
    }

    /// <summary>What an epoch's steps add up to.</summary>
    private struct EpochTotals
    {
        /// <summary>Σ wᵢ·ℓᵢ over the batches.</summary>
        public double LossSum;

        /// <summary>Σ wᵢ over the batches.</summary>
        public double WeightSum;

        /// <summary>Rows trained (batch norm may leave out a trailing one-row batch).</summary>
        public int RowsTrained;

        /// <summary>Steps taken.</summary>
        public int Steps;

        /// <summary>η of the last step (0 before the first).</summary>
        public float LearningRate;

        /// <summary>When progress was last reported (or the epoch began), on the epoch's clock.</summary>
        public TimeSpan LastProgress;
    }
}
