using System.Runtime.CompilerServices;
using MLNet.Mlp.Optimizers.Kernels;

namespace MLNet.Mlp.Optimizers;

/// <summary>
/// An optimizer as a chain of small links run in order, as optax's <c>chain</c>: each
/// <see cref="IGradientTransformation"/> transforms the update u (which starts as the gradient), and the last link
/// moves the parameters. Every built-in optimizer is one: <see cref="AdamOptimizer"/> is
/// [<see cref="L2Regularization"/>?, <see cref="ScaleByAdam"/>, <see cref="ScaleByLearningRate"/>].
/// </summary>
/// <remarks>
/// <para>Compose your own from the built-in links, your own links and whole optimizers:</para>
/// <code>
/// var optimizer = new GradientTransformationChain("ClippedAdamW",
///     [new ClipByGlobalNorm(1f), new WeightDecay(0.01f), new ScaleByAdam(), new ScaleByLearningRate()]);
/// var mine = new GradientTransformationChain("Mine", [new MyLink(), .. GradientTransformationChain.LinksOf(new SgdOptimizer(0.9f))]);
/// </code>
/// <para>Structure: the last link, and only the last, has the role <see cref="TransformationRole.LearningRate"/> or
/// <see cref="TransformationRole.UpdateRule"/> (the constructor checks this). Whether the composition makes sense
/// (one L2 penalty, one decoupled decay, clipping before scaling) is checked by <see cref="Validate"/>, and by
/// <see cref="Build"/>, which the trainers' options go through.</para>
/// <para>Speed: when the chain ends in links that a hand-written kernel fuses (the chains of the built-in
/// optimizers, with or without L2 and decoupled decay in front), those links run as one vectorized, multi-threaded
/// pass, with the same bits as running them one after another. Other links run one after another on a copy of the
/// gradient (one per thread, reused: a step allocates nothing).</para>
/// <para>State: one <see cref="OptimizerState"/> holding every link's buffers: every link's first buffer in link
/// order, then every link's second buffer, and so on. This interleaving gives the built-in optimizers PyTorch's
/// layout (for RMSProp: mean square, momentum buffer, centered mean), the layout their checkpoints store.</para>
/// </remarks>
public class GradientTransformationChain : IOptimizer
{
    // The update u when links run one after another: the gradient is read-only, u is changed in place.
    [ThreadStatic] private static float[]? t_updates;

    private readonly IGradientTransformation[] _links;
    private readonly int[][] _layout;
    private readonly int _bufferCount;
    private readonly int _fusedStart;
    private readonly FusedUpdate? _fused;

    /// <summary>Creates a chain of <paramref name="links"/>, run in the order given.</summary>
    /// <param name="name">A short, stable name (checkpoints store it with the state).</param>
    /// <param name="links">The links; the last must move the parameters (<see cref="ScaleByLearningRate"/>, or an
    /// optimizer through <see cref="OptimizerLink"/>).</param>
    /// <exception cref="ArgumentException">No links, a null link, or a link that moves the parameters anywhere but last.</exception>
    public GradientTransformationChain(string name, IEnumerable<IGradientTransformation> links)
        : this(name, links, fuse: true)
    {
    }

    private GradientTransformationChain(string name, IEnumerable<IGradientTransformation> links, bool fuse)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(links);
        _links = links.ToArray();
        if (_links.Length == 0)
            throw new ArgumentException("A chain needs at least one link: its last link moves the parameters.", nameof(links));
        for (int i = 0; i < _links.Length; i++)
        {
            if (_links[i] is null) throw new ArgumentNullException(nameof(links), $"Link {i + 1} of the chain {name} is null.");
            bool last = i == _links.Length - 1;
            if (MovesParameters(_links[i].Role) != last)
                throw new ArgumentException(last
                    ? $"The last link of the chain {name}, {Describe(_links[i])}, is a {_links[i].Role} link: a chain must end with the link that moves the parameters (ScaleByLearningRate, or an optimizer through OptimizerLink)."
                    : $"Link {i + 1} of the chain {name}, {Describe(_links[i])}, moves the parameters ({_links[i].Role}) but is not the last link.", nameof(links));
        }

        Name = name;
        Links = Array.AsReadOnly(_links);
        _layout = StateLayout(_links, out _bufferCount);
        // Fusion is decided here, once: the longest tail of links that a hand-written kernel runs in one pass
        // (FusedUpdate.Match lists them); the links before it run one after another in RunLinks.
        _fusedStart = fuse ? FusedUpdate.FindTail(_links, _layout, out _fused) : _links.Length;
    }

    /// <inheritdoc/>
    public string Name { get; }

    /// <summary>The links, in the order they run.</summary>
    public IReadOnlyList<IGradientTransformation> Links { get; }

    /// <summary>How many links before the fused tail run one after another (tests check the planner).</summary>
    internal int LinksRunOneByOne => _fusedStart;

    /// <summary>The kernel that runs the tail, or null.</summary>
    internal FusedUpdate? FusedTail => _fused;

    /// <summary>
    /// The chain an optimizer stands for, as links to compose with others: a chain's own links, or any other
    /// <see cref="IOptimizer"/> as one <see cref="OptimizerLink"/>.
    /// </summary>
    /// <param name="optimizer">Any optimizer.</param>
    public static IReadOnlyList<IGradientTransformation> LinksOf(IOptimizer optimizer)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        return optimizer is GradientTransformationChain chain ? chain.Links : [new OptimizerLink(optimizer)];
    }

    /// <summary>
    /// The chain a trainer runs for these settings, checked with <see cref="Validate"/>: clipping by value, clipping
    /// by global norm, L2 regularization, the given gradient transforms, decoupled weight decay, then the optimizer's
    /// own links. This is the one place that decides whether settings conflict, whatever optimizer (built-in, a chain
    /// of your own, or any <see cref="IOptimizer"/>) they come with.
    /// </summary>
    /// <param name="optimizer">The optimizer.</param>
    /// <param name="gradientTransforms">Further gradient transforms (they keep their role when they are links, such
    /// as <see cref="L2Regularization"/>; any other is <see cref="TransformationRole.Other"/>), or null.</param>
    /// <param name="l2Regularization">λ ≥ 0 of an <see cref="L2Regularization"/> link; 0 for none.</param>
    /// <param name="weightDecay">λ ≥ 0 of a decoupled <see cref="WeightDecay"/> link in front of the optimizer, as
    /// <see cref="DecoupledWeightDecay"/> puts it; 0 for none.</param>
    /// <param name="clipValue">The limit of a <see cref="ClipByValue"/> link, or null.</param>
    /// <param name="clipNorm">The largest norm of a <see cref="ClipByGlobalNorm"/> link, or null.</param>
    /// <returns>The chain, named as the optimizer the trainer runs (<c>DecoupledWeightDecay(…)</c> around it when
    /// <paramref name="weightDecay"/> is set; the gradient transforms are not part of the name).</returns>
    /// <exception cref="ArgumentException">Two links would apply the same regularizer (the optimizer's own decoupled
    /// decay and <paramref name="weightDecay"/>, or its own L2 penalty and <paramref name="l2Regularization"/>), or a
    /// link is out of order; the message names both links and <see cref="ArgumentException.ParamName"/> is the name of
    /// the link to change: the earlier of two conflicting links (the one these arguments add: "WeightDecay",
    /// "L2Regularization"), or the misplaced one.</exception>
    public static GradientTransformationChain Build(IOptimizer optimizer, IReadOnlyList<IGradientTransform>? gradientTransforms = null,
        float l2Regularization = 0f, float weightDecay = 0f, float? clipValue = null, float? clipNorm = null)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        HyperParameter.NonNegative(l2Regularization, nameof(l2Regularization));
        HyperParameter.NonNegative(weightDecay, nameof(weightDecay));
        var links = new List<IGradientTransformation>();
        if (clipValue is float limit) links.Add(new ClipByValue(limit));
        if (clipNorm is float maxNorm) links.Add(new ClipByGlobalNorm(maxNorm));
        if (l2Regularization > 0f) links.Add(new L2Regularization(l2Regularization));
        foreach (IGradientTransform transform in gradientTransforms ?? [])
        {
            ArgumentNullException.ThrowIfNull(transform, nameof(gradientTransforms));
            links.Add(transform as IGradientTransformation ?? new GradientTransformLink(transform));
        }

        if (weightDecay > 0f) links.Add(new WeightDecay(weightDecay));
        int own = links.Count;
        links.AddRange(LinksOf(optimizer));
        var chain = new GradientTransformationChain(weightDecay > 0f ? DecoupledWeightDecay.NameFor(optimizer) : optimizer.Name, links);
        chain.CheckComposition(i => i < own ? Describe(links[i]) : $"the optimizer {optimizer.Name} ({Describe(links[i])})");
        return chain;
    }

    /// <summary>
    /// Checks the composition from the links' roles: at most one <see cref="TransformationRole.CoupledL2"/> link and
    /// one <see cref="TransformationRole.DecoupledDecay"/> link (two would apply the same regularizer twice), and every
    /// <see cref="TransformationRole.Clipping"/> and coupled L2 link before the first
    /// <see cref="TransformationRole.Scaling"/> link (they act on the raw gradient).
    /// </summary>
    /// <exception cref="ArgumentException">The composition breaks a rule; the message names the links and
    /// <see cref="ArgumentException.ParamName"/> is the name of the link to change: the earlier of two conflicting
    /// links, or the misplaced one.</exception>
    public void Validate() => CheckComposition(i => $"link {i + 1}, {Describe(_links[i])}");

    private void CheckComposition(Func<int, string> describe)
    {
        int l2 = -1, decay = -1, scaling = -1;
        for (int i = 0; i < _links.Length; i++)
        {
            TransformationRole role = _links[i].Role;
            if (role is TransformationRole.Clipping or TransformationRole.CoupledL2 && scaling >= 0)
                throw new ArgumentException($"{describe(i)} comes after {describe(scaling)}: clipping and L2 penalties act on the raw gradient, "
                    + "so they must come before the optimizer's scaling.", _links[i].Name);
            if (role == TransformationRole.CoupledL2 && l2 >= 0)
                throw new ArgumentException($"{describe(l2)} and {describe(i)} would both apply an L2 penalty (each adds λθ to the gradient); set one of them to 0.", _links[l2].Name);
            if (role == TransformationRole.DecoupledDecay && decay >= 0)
                throw new ArgumentException($"{describe(decay)} and {describe(i)} would both decay the weights (each multiplies them by 1 − ηλ); set one of them to 0.", _links[decay].Name);
            if (role == TransformationRole.CoupledL2) l2 = i;
            if (role == TransformationRole.DecoupledDecay) decay = i;
            if (role == TransformationRole.Scaling && scaling < 0) scaling = i;
        }
    }

    /// <inheritdoc/>
    public OptimizerState CreateState(int parameterCount)
    {
        var state = new OptimizerState(_bufferCount, parameterCount);
        for (int i = 0; i < _links.Length; i++)
        {
            OptimizerState own = _links[i].CreateState(parameterCount);
            int[] buffers = _layout[i];
            if (own.BufferCount != buffers.Length || own.ParameterCount != parameterCount)
                throw new InvalidOperationException($"{_links[i].Name}.CreateState({parameterCount}) returned {own.BufferCount}×{own.ParameterCount} buffers; "
                    + $"expected {buffers.Length}×{parameterCount} (as many buffers as for 0 parameters).");
            for (int k = 0; k < buffers.Length; k++) own.Buffer(k).CopyTo(state.Buffer(buffers[k]));
        }

        return state;
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Update(Span<float> parameters, ReadOnlySpan<float> gradients, OptimizerState state, in OptimizerStep step)
    {
        UpdateArguments.Check(parameters.Length, gradients.Length, state, _bufferCount, step);
        if (_fusedStart == 0) _fused!.Run(parameters, gradients, state, step);
        else RunLinks(parameters, gradients, state, step);
    }

    /// <summary>The name and the links, for messages.</summary>
    public override string ToString() => $"{Name}: {string.Join(" → ", _links.Select(Describe))}";

    /// <summary>The same chain with every link run one after another (tests compare it with the fused kernels).</summary>
    internal GradientTransformationChain WithoutFusion() => new(Name, _links, fuse: false);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void RunLinks(Span<float> parameters, ReadOnlySpan<float> gradients, OptimizerState state, in OptimizerStep step)
    {
        OptimizerState[] views = state.ViewsFor(_layout);
        ReadOnlySpan<float> updates = gradients;
        Span<float> copy = default;
        bool copied = false;
        double stepSizeDivisor = 1.0;
        int last = _links.Length - 1;
        for (int i = 0; i < _fusedStart; i++)
        {
            IGradientTransformation link = _links[i];
            OptimizerStep linkStep = i == last ? WithStepSize(step, stepSizeDivisor) : step;
            if (link is IParameterTransformation parametersOnly)
            {
                parametersOnly.Apply(updates, views[i], parameters, linkStep);
            }
            else
            {
                if (!copied)
                {
                    copy = UpdateBuffer(gradients.Length);
                    gradients.CopyTo(copy);
                    updates = copy;
                    copied = true;
                }

                link.Update(copy, views[i], parameters, linkStep);
            }

            if (link is IStepSizeCorrection correction) stepSizeDivisor *= correction.StepSizeDivisor(step.Step);
        }

        _fused?.Run(parameters, updates, state, WithStepSize(step, stepSizeDivisor));
    }

    // The step the last link sees: its learning rate divided by the corrections of the links before it.
    private static OptimizerStep WithStepSize(in OptimizerStep step, double divisor) =>
        divisor == 1.0 ? step : step with { LearningRate = (float)(step.LearningRate / divisor) };

    // One per thread, grown when needed. A link must not run a chain itself on the same thread before it is done
    // with its update (an optimizer at the end of the chain, through OptimizerLink, may).
    private static Span<float> UpdateBuffer(int length)
    {
        float[]? buffer = t_updates;
        if (buffer is null || buffer.Length < length) t_updates = buffer = new float[length];
        return buffer.AsSpan(0, length);
    }

    // A link's own description (the built-in links give their hyper-parameters), or its name when its ToString is
    // object's, which only gives the type.
    private static string Describe(IGradientTransformation link)
    {
        string? text = link.ToString();
        return string.IsNullOrEmpty(text) || text == link.GetType().ToString() ? link.Name : text;
    }

    private static bool MovesParameters(TransformationRole role) => role is TransformationRole.LearningRate or TransformationRole.UpdateRule;

    // Every link's first buffer in link order, then every link's second buffer, and so on (see the class remarks).
    private static int[][] StateLayout(IGradientTransformation[] links, out int bufferCount)
    {
        var layout = new int[links.Length][];
        int most = 0;
        for (int i = 0; i < links.Length; i++)
        {
            layout[i] = new int[links[i].CreateState(0).BufferCount];
            most = Math.Max(most, layout[i].Length);
        }

        bufferCount = 0;
        for (int k = 0; k < most; k++)
            for (int i = 0; i < links.Length; i++)
                if (k < layout[i].Length) layout[i][k] = bufferCount++;
        return layout;
    }
}
