namespace MLNet.Mlp.Trainers;

/// <summary>The prediction task a trained MLP serves; it fixes the output layer, the loss and the output columns.</summary>
public enum MlpTask
{
    /// <summary>K classes: softmax output, cross-entropy loss, columns Score (K probabilities) and PredictedLabel (key).</summary>
    MulticlassClassification,

    /// <summary>Two classes: sigmoid output, binary cross-entropy, columns Score (logit), Probability and PredictedLabel (Boolean).</summary>
    BinaryClassification,

    /// <summary>Real values: identity output, squared error, column Score (a Single, or a vector for several outputs).</summary>
    Regression,
}
