namespace MLNet.Mlp.Trainers;

/// <summary>
/// The defaults only the ML.NET layer knows, defined once for the options classes and the catalog methods; the
/// training settings' defaults (learning rate, batch size, epochs, hidden layers, seed) are the engine's
/// <see cref="Training.TrainingDefaults"/>.
/// </summary>
internal static class MlpDefaults
{
    /// <summary>The label column: "Label", ML.NET's default.</summary>
    public const string LabelColumnName = "Label";

    /// <summary>The feature column: "Features", ML.NET's default; also the input name of an exported ONNX model.</summary>
    public const string FeatureColumnName = "Features";

    /// <summary>The default learning-rate schedule, one shared instance (the schedule is immutable) so that a schedule
    /// the user set, even an equal <see cref="Schedules.ConstantSchedule"/>, can be told from it.</summary>
    public static readonly Schedules.ILearningRateSchedule Schedule = Training.TrainingDefaults.Schedule();

    /// <summary>
    /// The weight initializer of every dense layer when none is set: Glorot (Xavier) uniform, Keras's and scikit-learn's
    /// default, whatever the activation. He's bound √(6/fan_in) suits deep stacks of equal-width ReLU layers; on a
    /// table's narrow input (4 columns into 128 units) it starts the first layer six times larger, and Adam's fixed-size
    /// steps then leave the units nearer their random directions, a rougher fit that generalizes worse on small tables.
    /// On wide input (pixels, text) the two bounds nearly coincide.
    /// </summary>
    public static readonly Initializers.IWeightInitializer Initializer = Initializers.WeightInitializers.XavierUniform;

    /// <summary>The weight of positive examples relative to negative ones: 1, no reweighting.</summary>
    public const float PositiveInstanceWeight = 1f;

    /// <summary>Whether regression labels are standardized for training: true.</summary>
    public const bool StandardizeLabels = true;

    /// <summary>Whether input features are standardized for training (and folded into the first layer): true.</summary>
    public const bool StandardizeFeatures = true;

    /// <summary>
    /// The weight, in examples, of the L2 penalty a run trained until converged gets when no penalty is set and none is
    /// cross-validated (<see cref="SelectsL2ByCrossValidation"/>): 3, i.e.
    /// ½λ‖W‖² with λ = 3/n on the mean loss of n training rows (scikit-learn's form of <c>alpha</c>, which is divided
    /// by the sample count). Training until converged without a penalty drives a small table's training loss towards
    /// zero and fits its noise; a penalty worth a fixed number of examples is felt on a table of hundreds of rows and
    /// fades on thousands. Three, not more: a stronger penalty also smooths away boundaries that are really curved
    /// (a few hundred rows of two noisy interleaved half-moons lose points at ten).
    /// </summary>
    public const float L2PenaltyExamples = 3f;

    /// <summary>The most training rows the default penalty is added for: 10,000. Above, the 20,000-step limit ends
    /// training after a few dozen epochs at most, too few to fit the noise of so many rows, and a penalty there only
    /// costs accuracy.</summary>
    public const int L2PenaltyMaximumRows = 10_000;

    /// <summary>
    /// The candidate penalties, in examples, among which the default L2 penalty of a table of
    /// <see cref="L2SelectionMinimumRows"/> to <see cref="L2SelectionMaximumRows"/> rows is chosen by cross-validation:
    /// 1, 3, 10 and 30, half-decade steps around <see cref="L2PenaltyExamples"/>. No single penalty suits every small
    /// table: one whose classes are separated by a curved boundary loses accuracy above 3 examples' worth, while one
    /// whose signal is nearly linear and noisy (a regression of a few hundred rows) fits its noise below 10–30; the
    /// held-out loss tells the two apart. The grid stays small because each candidate costs
    /// <see cref="L2SelectionFolds"/> fits.
    /// </summary>
    public static readonly float[] L2PenaltyExamplesGrid = [1f, 3f, 10f, 30f];

    /// <summary>The folds of the default penalty's cross-validation: 3 (scikit-learn's default before 0.22). Every row is
    /// scored once per candidate by a fit that saw two thirds of the rows, at three fits per candidate where five folds
    /// would take five.</summary>
    public const int L2SelectionFolds = 3;

    /// <summary>The fewest training rows the default penalty is cross-validated for: 50, folds of ten rows. Below, the
    /// held-out losses are too few to rank the candidates and λ = <see cref="L2PenaltyExamples"/>/n is used.</summary>
    public const int L2SelectionMinimumRows = 50;

    /// <summary>The most training rows the default penalty is cross-validated for: 1,000. Up to there the twelve extra
    /// fits of small networks take a few seconds at most; above, a fixed λ = <see cref="L2PenaltyExamples"/>/n is used,
    /// whose effect fades with the row count anyway.</summary>
    public const int L2SelectionMaximumRows = 1_000;

    /// <summary>Whether a fresh fit of <paramref name="trainingRows"/> rows chooses its default L2 penalty by
    /// cross-validation (<see cref="L2PenaltyExamplesGrid"/>): when it would get the default penalty
    /// (<see cref="L2RegularizationFor"/> with no penalty set) and has <see cref="L2SelectionMinimumRows"/> to
    /// <see cref="L2SelectionMaximumRows"/> rows. A continued model keeps the fixed default.</summary>
    /// <param name="options">The trainer's options.</param>
    /// <param name="trainingRows">The training rows n.</param>
    /// <param name="sparseFeatures">The feature count when the features are kept as sparse rows, else null.</param>
    public static bool SelectsL2ByCrossValidation(MlpOptionsBase options, int trainingRows, int? sparseFeatures)
        => options.L2Regularization is null && trainingRows is >= L2SelectionMinimumRows and <= L2SelectionMaximumRows
            && L2RegularizationFor(options, trainingRows, sparseFeatures) > 0f;

    /// <summary>
    /// The most weights the first layer of a network on sparse rows may have (features × its units) to be trained as a
    /// table is, with the default L2 penalty and the columns stored in nearly every row standardized as dense ones
    /// (<see cref="Fitting.FeatureStandardization.FitSparse"/>): 2²⁰, e.g. 8,192 features into 128 units. The penalty
    /// reaches every weight each step, which turns the lazy update over the columns a batch touches into a sweep of the
    /// whole first layer, and a standardized model holds its first layer twice (folded for prediction, and as trained,
    /// for continuing): a millisecond a step and a few megabytes up to this size, while for a text vocabulary of 10⁵–10⁶
    /// columns every step would be tens of times slower and the model hundreds of megabytes larger. Below it (a
    /// categorical column of thousands of values one-hot encoded beside a few numbers) the penalty is what keeps the
    /// rare columns, each seen in a handful of rows, from being fitted to those rows' labels.
    /// </summary>
    public const long SparseTableMaximumFirstLayerWeights = 1L << 20;

    /// <summary>Whether a network of <paramref name="options"/> on sparse rows of <paramref name="features"/> columns is
    /// trained as a table is (<see cref="SparseTableMaximumFirstLayerWeights"/>).</summary>
    /// <param name="options">The trainer's options.</param>
    /// <param name="features">The feature count.</param>
    public static bool TrainsSparseRowsAsATable(MlpOptionsBase options, int features)
        // A network without hidden layers has the outputs as its first layer: at least one unit.
        => (long)features * Math.Max(1, options.HiddenLayers.FirstOrDefault()) <= SparseTableMaximumFirstLayerWeights;

    /// <summary>The L2 regularization λ of a run: <paramref name="options"/>' own, or λ = <see cref="L2PenaltyExamples"/>/n
    /// when it is null, the run trains until converged (<c>NumberOfEpochs</c> null) on at most
    /// <see cref="L2PenaltyMaximumRows"/> rows, no other weight penalty is set (<c>WeightDecay</c>, an optimizer's own
    /// weight decay) and the features are dense or trained as a table (<see cref="TrainsSparseRowsAsATable"/>); else 0.</summary>
    /// <param name="options">The trainer's options.</param>
    /// <param name="trainingRows">The training rows n; positive.</param>
    /// <param name="sparseFeatures">The feature count when the features are kept as sparse rows, else null.</param>
    public static float L2RegularizationFor(MlpOptionsBase options, int trainingRows, int? sparseFeatures)
    {
        if (options.L2Regularization is float set) return set;
        if (options.NumberOfEpochs != null || options.WeightDecay > 0f || trainingRows > L2PenaltyMaximumRows) return 0f;
        if (sparseFeatures is int features && !TrainsSparseRowsAsATable(options, features)) return 0f;
        bool optimizerPenalizes = Optimizers.GradientTransformationChain.LinksOf(options.Optimizer)
            .Any(l => l.Role is Optimizers.TransformationRole.CoupledL2 or Optimizers.TransformationRole.DecoupledDecay);
        return optimizerPenalizes ? 0f : L2PenaltyExamples / Math.Max(trainingRows, 1);
    }

    /// <summary>
    /// The part of the training rows held out as validation data when a run on sparse features trains until converged
    /// and has none: 0.1. With sparse, wide input (text) the first layer alone has many more weights than there are
    /// rows, and the training loss falls to the noise of the last steps and wanders there; the rule "no improvement
    /// by more than 1e-4 for 10 epochs" then waits for chance to stop improving it, tens of epochs after accuracy
    /// stopped changing. The loss on held-out rows reaches its minimum within a few epochs and then rises, so the same
    /// rule on it ends training where generalization stops improving.
    /// </summary>
    public const float SparseValidationFraction = 0.1f;

    /// <summary>The fewest training rows for which <see cref="SparseValidationFraction"/> is held out by default: 100
    /// (ten validation rows); below, training until converged watches the training loss.</summary>
    public const int SparseValidationMinimumRows = 100;
}
