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

    /// <summary>The weight of positive examples relative to negative ones: 1, no reweighting.</summary>
    public const float PositiveInstanceWeight = 1f;

    /// <summary>Whether regression labels are standardized for training: true.</summary>
    public const bool StandardizeLabels = true;

    /// <summary>Whether input features are standardized for training (and folded into the first layer): true.</summary>
    public const bool StandardizeFeatures = true;

    /// <summary>
    /// The weight, in examples, of the L2 penalty a run trained until converged gets when no penalty is set: 3, i.e.
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

    /// <summary>The L2 regularization λ of a run: <paramref name="options"/>' own, or λ = <see cref="L2PenaltyExamples"/>/n
    /// when it is null, the run trains until converged (<c>NumberOfEpochs</c> null) on at most
    /// <see cref="L2PenaltyMaximumRows"/> rows and no other weight penalty is set (<c>WeightDecay</c>, an optimizer's own
    /// weight decay) and the features are dense; else 0. Sparse features (text) get none by default: the penalty
    /// reaches every weight each step, which would turn the lazy update over the touched columns into a sweep of the
    /// whole first layer.</summary>
    /// <param name="options">The trainer's options.</param>
    /// <param name="trainingRows">The training rows n; positive.</param>
    /// <param name="sparseFeatures">Whether the features are kept as sparse rows.</param>
    public static float L2RegularizationFor(MlpOptionsBase options, int trainingRows, bool sparseFeatures)
    {
        if (options.L2Regularization is float set) return set;
        if (sparseFeatures || options.NumberOfEpochs != null || options.WeightDecay > 0f || trainingRows > L2PenaltyMaximumRows) return 0f;
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
