namespace MLNet.Mlp.Optimizers.Kernels;

/// <summary>
/// The tail of a chain run as one pass over the buffers by a hand-written kernel instead of link by link: the
/// built-in optimizers' updates (<see cref="SgdKernel"/>, <see cref="MomentumKernel"/>, <see cref="RmsPropKernel"/>,
/// <see cref="AdagradKernel"/>, <see cref="AdamKernel"/>). Each kernel does the operations of its links in the links'
/// order, so a fused tail gives the very bits of the same links run one after another; fusion only saves passes over
/// memory.
/// </summary>
internal abstract class FusedUpdate
{
    /// <summary>Runs the fused links: moves θ by the update u, reading and updating the state buffers they own.</summary>
    public abstract void Run(Span<float> parameters, ReadOnlySpan<float> updates, OptimizerState state, in OptimizerStep step);

    /// <summary>
    /// Finds the longest tail of <paramref name="links"/> that a fused kernel runs, and returns where it starts
    /// (<paramref name="links"/>.Count, with a null <paramref name="fused"/>, when none does). The links before it run
    /// one after another.
    /// </summary>
    /// <param name="links">A chain's links; the last one has a terminal role.</param>
    /// <param name="layout">The state buffers each link owns.</param>
    /// <param name="fused">The kernel for the tail, or null.</param>
    public static int FindTail(IReadOnlyList<IGradientTransformation> links, int[][] layout, out FusedUpdate? fused)
    {
        bool stepSizeCorrected = false;
        for (int start = 0; start < links.Count; start++)
        {
            fused = Match(links, start, layout, stepSizeCorrected);
            if (fused != null) return start;
            stepSizeCorrected |= links[start] is IStepSizeCorrection;
        }

        fused = null;
        return links.Count;
    }

    // Where fusion is decided. Recognized tails, each ending in ScaleByLearningRate:
    //   [L2Regularization?, WeightDecay?, ScaleByAdam]          → AdamKernel (Adam, AdamW, AMSGrad)
    //   [MomentumTrace (from zero, no Nesterov)]                 → MomentumKernel (the dampened moving average)
    //   [L2Regularization?, MomentumTrace?]                      → SgdKernel (SGD, momentum, Nesterov)
    //   [L2Regularization?, ScaleByRms, MomentumTrace?]          → RmsPropKernel (the trace undampened, from zero)
    //   [L2Regularization?, ScaleByRootSumOfSquares]             → AdagradKernel
    // These are the chains the built-in optimizers produce (DecoupledWeightDecay adds a WeightDecay link in front:
    // fused into Adam's pass, run alone before the others as it always was). Anything else runs link by link.
    private static FusedUpdate? Match(IReadOnlyList<IGradientTransformation> links, int start, int[][] layout, bool stepSizeCorrected)
    {
        int last = links.Count - 1;
        if (links[last] is not ScaleByLearningRate) return null;
        int i = start;
        var l2 = links[i] as L2Regularization;
        if (l2 != null) i++;
        var decay = links[i] as WeightDecay;
        if (decay != null) i++;
        int between = last - i;   // links from i up to, not including, the learning rate
        return links[i] switch
        {
            // Adam computes its own step size η/(1 − β₁ᵗ); a correction from an earlier link would have to join it.
            ScaleByAdam adam when between == 1 && !stepSizeCorrected => new AdamKernel(l2, decay, adam, layout[i]),
            _ when decay != null => null,
            ScaleByLearningRate => new SgdKernel(l2, null, -1),
            MomentumTrace { StartsFromFirstUpdate: false, Nesterov: false } trace when between == 1 && l2 is null => new MomentumKernel(trace, layout[i][0]),
            MomentumTrace trace when between == 1 => new SgdKernel(l2, trace, layout[i][0]),
            ScaleByRms rms when between == 1 => new RmsPropKernel(l2, rms, null, layout[i], -1),
            ScaleByRms rms when between == 2 && links[i + 1] is MomentumTrace { Dampening: 0f, Nesterov: false, StartsFromFirstUpdate: false } trace =>
                new RmsPropKernel(l2, rms, trace, layout[i], layout[i + 1][0]),
            ScaleByRootSumOfSquares rss when between == 1 => new AdagradKernel(l2, rss, layout[i][0]),
            _ => null,
        };
    }
}
