namespace MLNet.Mlp.Optimizers;

/// <summary>
/// A link that leaves a scalar factor of its output to the step size, as PyTorch's Adam leaves the first moment's
/// bias correction: θ ← θ − (η / (1 − β₁ᵗ)) · m / (…). The chain divides the learning rate its last link receives by
/// the product of these divisors, so that a chain run link by link computes the very operations of the fused update.
/// </summary>
internal interface IStepSizeCorrection
{
    /// <summary>The divisor of the step size at the 1-based step <paramref name="step"/>.</summary>
    double StepSizeDivisor(long step);
}
