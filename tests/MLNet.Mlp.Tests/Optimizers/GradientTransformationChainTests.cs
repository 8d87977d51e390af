using MLNet.Mlp.Optimizers;
using MLNet.Mlp.Optimizers.Kernels;
using MLNet.Mlp.Tests.Custom;

namespace MLNet.Mlp.Tests.Optimizers;

/// <summary>
/// The chain model: the named optimizers equal their chains bit for bit, the fused kernels equal the links run one
/// after another bit for bit, the built-in chains take the fused path, and the structure and composition checks.
/// </summary>
public class GradientTransformationChainTests
{
    private static int[] Bits(ReadOnlySpan<float> values) => values.ToArray().Select(BitConverter.SingleToInt32Bits).ToArray();

    /// <summary>Runs <paramref name="steps"/> updates on a random buffer; returns θ and the state.</summary>
    private static (float[] Parameters, OptimizerState State) Train(IOptimizer optimizer, int length, int threads, int steps = 6, IGradientTransform[]? transforms = null)
    {
        (float[] start, float[][] gradients) = Inputs(length);
        float[] parameters = (float[])start.Clone();
        OptimizerState state = optimizer.CreateState(length);
        for (int t = 1; t <= steps; t++)
        {
            float[] g = (float[])gradients[t - 1].Clone();
            // The learning rate changes as a schedule would.
            var step = new OptimizerStep(t % 2 == 0 ? 0.01f : 0.003f, t, length * 7 / 10) { MaxThreads = threads };
            foreach (IGradientTransform transform in transforms ?? []) transform.Apply(g, parameters, step);
            optimizer.Update(parameters, g, state, step);
        }

        return (parameters, state);
    }

    private static readonly Dictionary<int, (float[], float[][])> InputsByLength = [];

    /// <summary>θ₀ and six gradients, large ones now and then so that clipping acts; made once per length.</summary>
    private static (float[] Start, float[][] Gradients) Inputs(int length)
    {
        lock (InputsByLength)
        {
            if (InputsByLength.TryGetValue(length, out var inputs)) return inputs;
            var random = new Random(11);
            float[] Draw(float scale)
            {
                var values = new float[length];
                for (int i = 0; i < length; i++) values[i] = (random.NextSingle() - 0.5f) * scale;
                return values;
            }

            inputs = (Draw(1f), Enumerable.Range(1, 6).Select(t => Draw(t % 3 == 0 ? 6f : 0.4f)).ToArray());
            InputsByLength[length] = inputs;
            return inputs;
        }
    }

    private static void AssertBitIdentical((float[] Parameters, OptimizerState State) expected, (float[] Parameters, OptimizerState State) actual)
    {
        Assert.Equal(Bits(expected.Parameters), Bits(actual.Parameters));
        Assert.Equal(expected.State.BufferCount, actual.State.BufferCount);
        for (int k = 0; k < expected.State.BufferCount; k++) Assert.Equal(Bits(expected.State.Buffer(k)), Bits(actual.State.Buffer(k)));
    }

    public static TheoryData<string> ChainRows =>
        new(OptimizerCases.All.Where(r => r.Value.Create() is GradientTransformationChain && !r.Key.EndsWith(OptimizerCases.OneByOne, StringComparison.Ordinal)).Select(r => r.Key));

    [Theory]
    [MemberData(nameof(ChainRows))]
    public void FusedKernels_EqualTheLinksRunOneByOne_BitForBit(string name)
    {
        // Long buffers (vector bodies, tails, the decayed prefix ending inside a vector, the parallel split) and
        // both thread counts: fusion must only save passes, never change a bit.
        OptimizerCases.Case row = OptimizerCases.All[name];
        foreach (int length in new[] { 45, 100_003 })
            foreach (int threads in new[] { 1, 2 })
            {
                var chain = (GradientTransformationChain)row.Create();
                AssertBitIdentical(Train(chain, length, threads, transforms: row.Transforms()), Train(chain.WithoutFusion(), length, threads, transforms: row.Transforms()));
            }
    }

    public static TheoryData<string> NamedAndTheirChains => new(Pairs.Keys);

    private static readonly Dictionary<string, (Func<IOptimizer> Named, Func<IOptimizer> Chain)> Pairs = new()
    {
        ["SGD"] = (() => new SgdOptimizer(), () => Chain(new ScaleByLearningRate())),
        ["SGD weightDecay"] = (() => new SgdOptimizer(weightDecay: 0.1f), () => Chain(new L2Regularization(0.1f), new ScaleByLearningRate())),
        ["SGD momentum dampening weightDecay"] = (() => new SgdOptimizer(0.9f, 0.5f, false, 0.1f),
            () => Chain(new L2Regularization(0.1f), new MomentumTrace(0.9f, 0.5f), new ScaleByLearningRate())),
        ["Nesterov"] = (() => new NesterovOptimizer(0.8f), () => Chain(new MomentumTrace(0.8f, nesterov: true), new ScaleByLearningRate())),
        ["Momentum"] = (() => new MomentumOptimizer(0.7f), () => Chain(new MomentumTrace(0.7f, 0.7f, startFromFirstUpdate: false), new ScaleByLearningRate())),
        ["RMSProp centered momentum weightDecay"] = (() => new RmsPropOptimizer(0.9f, 1e-3f, 0.5f, true, 0.1f),
            () => Chain(new L2Regularization(0.1f), new ScaleByRms(0.9f, 1e-3f, true), new MomentumTrace(0.5f, startFromFirstUpdate: false), new ScaleByLearningRate())),
        ["Adagrad"] = (() => new AdagradOptimizer(1e-10f, 0.1f, 0.1f),
            () => Chain(new L2Regularization(0.1f), new ScaleByRootSumOfSquares(1e-10f, 0.1f), new ScaleByLearningRate())),
        ["Adam weightDecay"] = (() => new AdamOptimizer(weightDecay: 0.1f), () => Chain(new L2Regularization(0.1f), new ScaleByAdam(), new ScaleByLearningRate())),
        ["AdamW AMSGrad"] = (() => new AdamWOptimizer(amsgrad: true, weightDecay: 0.3f),
            () => Chain(new WeightDecay(0.3f), new ScaleByAdam(amsgrad: true), new ScaleByLearningRate())),
        ["DecoupledWeightDecay(Adam) = AdamW"] = (() => new DecoupledWeightDecay(new AdamOptimizer(), 0.3f), () => new AdamWOptimizer(weightDecay: 0.3f)),
        ["DecoupledWeightDecay(SignSgd)"] = (() => new DecoupledWeightDecay(new SignSgdOptimizer(), 0.3f),
            () => Chain(new WeightDecay(0.3f), new OptimizerLink(new SignSgdOptimizer()))),
        ["Build(Adam, weightDecay) = AdamW"] = (() => GradientTransformationChain.Build(new AdamOptimizer(), weightDecay: 0.2f), () => new AdamWOptimizer(weightDecay: 0.2f)),
    };

    private static GradientTransformationChain Chain(params IGradientTransformation[] links) => new("Composed", links);

    [Theory]
    [MemberData(nameof(NamedAndTheirChains))]
    public void NamedOptimizer_EqualsTheChainOfItsLinks_BitForBit(string name)
    {
        var (named, chain) = Pairs[name];
        foreach (int threads in new[] { 1, 2 })
        {
            var expected = Train(named(), 100_003, threads);
            AssertBitIdentical(expected, Train(chain(), 100_003, threads));
            AssertBitIdentical(expected, Train(((GradientTransformationChain)chain()).WithoutFusion(), 100_003, threads));
        }
    }

    [Fact]
    public void TransformsBeforeAnOptimizer_EqualTheSameLinksInItsChain_BitForBit()
    {
        // What the trainer runs today (gradient transforms, then the optimizer) and Build's single chain agree.
        IGradientTransform[] transforms = [new ClipByValue(0.15f), new ClipByGlobalNorm(3f), new L2Regularization(0.1f)];
        var expected = Train(new DecoupledWeightDecay(new SgdOptimizer(0.9f), 0.01f), 100_003, 2, transforms: transforms);
        var built = GradientTransformationChain.Build(new SgdOptimizer(0.9f), l2Regularization: 0.1f, weightDecay: 0.01f, clipValue: 0.15f, clipNorm: 3f);
        AssertBitIdentical(expected, Train(built, 100_003, 2));
        Assert.Equal("DecoupledWeightDecay(SgdMomentum)", built.Name);
        Assert.Equal(new[] { "ClipByValue", "ClipByGlobalNorm", "L2Regularization", "WeightDecay", "MomentumTrace", "ScaleByLearningRate" }, built.Links.Select(l => l.Name));
    }

    public static TheoryData<string, string, int> FusionOfTheBuiltInOptimizers => new()
    {
        { "SGD", nameof(SgdKernel), 0 },
        { "SGD momentum dampening weightDecay", nameof(SgdKernel), 0 },
        { "Nesterov", nameof(SgdKernel), 0 },
        { "Momentum (dampened)", nameof(MomentumKernel), 0 },
        { "RMSProp", nameof(RmsPropKernel), 0 },
        { "RMSProp centered momentum weightDecay", nameof(RmsPropKernel), 0 },
        { "Adagrad initialAccumulator weightDecay", nameof(AdagradKernel), 0 },
        { "Adam epsilon weightDecay", nameof(AdamKernel), 0 },
        { "Adam AMSGrad", nameof(AdamKernel), 0 },
        { "AdamW", nameof(AdamKernel), 0 },
        // The decay joins Adam's pass; in front of the others it runs alone first, as it always did.
        { "DecoupledWeightDecay(SGD momentum)", nameof(SgdKernel), 1 },
        { "Build(Adam, clipValue)", nameof(AdamKernel), 1 },
        { "Chain: ScaleByAdam → user Identity → ScaleByLearningRate", nameof(SgdKernel), 2 },
    };

    [Theory]
    [MemberData(nameof(FusionOfTheBuiltInOptimizers))]
    public void BuiltInChains_TakeTheirFusedKernel(string row, string kernel, int linksRunOneByOne)
    {
        var chain = (GradientTransformationChain)OptimizerCases.All[row].Create();
        Assert.Equal(kernel, chain.FusedTail?.GetType().Name);
        Assert.Equal(linksRunOneByOne, chain.LinksRunOneByOne);
    }

    [Fact]
    public void DecoupledWeightDecayAroundAdam_IsFusedIntoAdamsPass()
    {
        var chain = new DecoupledWeightDecay(new AdamOptimizer(), 0.1f);
        Assert.IsType<AdamKernel>(chain.FusedTail);
        Assert.Equal(0, chain.LinksRunOneByOne);
        Assert.Null(new DecoupledWeightDecay(new SignSgdOptimizer(), 0.1f).FusedTail);
    }

    // --- The composition check (Build is what the trainers' options call) ---

    public static TheoryData<string> Conflicts => new(ConflictCases.Keys);

    private static readonly Dictionary<string, (Action Create, string ParamName, string Says)> ConflictCases = new()
    {
        ["WeightDecay with AdamW"] = (() => GradientTransformationChain.Build(new AdamWOptimizer(weightDecay: 0.01f), weightDecay: 0.01f),
            "WeightDecay", "would both decay the weights"),
        ["WeightDecay with DecoupledWeightDecay"] = (() => GradientTransformationChain.Build(new DecoupledWeightDecay(new SgdOptimizer(), 0.1f), weightDecay: 0.01f),
            "WeightDecay", "would both decay the weights"),
        ["WeightDecay with a user's own decoupled decay"] = (() => GradientTransformationChain.Build(
                new GradientTransformationChain("Mine", [new UserLinks.ShrinkWeights(0.1f), new ScaleByAdam(), new ScaleByLearningRate()]), weightDecay: 0.01f),
            "WeightDecay", "ShrinkWeights"),
        ["L2Regularization with SGD's weightDecay"] = (() => GradientTransformationChain.Build(new SgdOptimizer(0.9f, weightDecay: 1e-4f), l2Regularization: 1e-4f),
            "L2Regularization", "would both apply an L2 penalty"),
        ["L2Regularization with Adam's weightDecay"] = (() => GradientTransformationChain.Build(new AdamOptimizer(weightDecay: 1e-4f), l2Regularization: 1e-4f),
            "L2Regularization", "would both apply an L2 penalty"),
        ["L2Regularization with RMSProp's weightDecay inside DecoupledWeightDecay"] = (() => GradientTransformationChain.Build(
                new DecoupledWeightDecay(new RmsPropOptimizer(weightDecay: 1e-4f), 0.1f), l2Regularization: 1e-4f),
            "L2Regularization", "would both apply an L2 penalty"),
        ["L2Regularization twice, as an argument and as a transform"] = (() => GradientTransformationChain.Build(new AdamOptimizer(),
                [new L2Regularization(0.1f)], l2Regularization: 0.1f),
            "L2Regularization", "would both apply an L2 penalty"),
        ["Two decoupled decays in one chain"] = (() => new DecoupledWeightDecay(new AdamWOptimizer(), 0.1f).Validate(), "WeightDecay", "would both decay the weights"),
        ["A user's decoupled decay and WeightDecay in one chain"] = (() => new GradientTransformationChain("Mine",
                [new UserLinks.ShrinkWeights(0.1f), new WeightDecay(0.1f), new ScaleByAdam(), new ScaleByLearningRate()]).Validate(),
            "ShrinkWeights", "link 1, ShrinkWeights and link 2, WeightDecay(λ = 0.1) would both decay the weights"),
        ["Clipping after the scaling"] = (() => new GradientTransformationChain("Late", [new ScaleByAdam(), new ClipByValue(1f), new ScaleByLearningRate()]).Validate(),
            "ClipByValue", "must come before the optimizer's scaling"),
        ["L2 after the scaling"] = (() => new GradientTransformationChain("Late", [new MomentumTrace(0.9f), new L2Regularization(0.1f), new ScaleByLearningRate()]).Validate(),
            "L2Regularization", "must come before the optimizer's scaling"),
    };

    [Theory]
    [MemberData(nameof(Conflicts))]
    public void ConflictingLinks_AreRejected_NamingThem(string name)
    {
        var (create, paramName, says) = ConflictCases[name];
        ArgumentException e = Assert.ThrowsAny<ArgumentException>(create);
        Assert.Equal(paramName, e.ParamName);
        Assert.Contains(says, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ConflictMessages_NameBothLinksAndTheOptimizer()
    {
        var e = Assert.Throws<ArgumentException>(() => GradientTransformationChain.Build(new AdamWOptimizer(weightDecay: 0.02f), weightDecay: 0.01f));
        Assert.StartsWith("WeightDecay(λ = 0.01) and the optimizer AdamW (WeightDecay(λ = 0.02)) would both decay the weights", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<ArgumentException>(() => GradientTransformationChain.Build(new SgdOptimizer(weightDecay: 0.001f), l2Regularization: 0.01f));
        Assert.StartsWith("L2Regularization(λ = 0.01) and the optimizer Sgd (L2Regularization(λ = 0.001)) would both apply an L2 penalty", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EachRegularizerOnce_IsAccepted()
    {
        Assert.Equal("AdamW", GradientTransformationChain.Build(new AdamWOptimizer()).Name);
        Assert.Equal("DecoupledWeightDecay(AdamW)", GradientTransformationChain.Build(new AdamWOptimizer(weightDecay: 0f), weightDecay: 0.01f).Name);
        Assert.Equal("Adam", GradientTransformationChain.Build(new AdamOptimizer(), l2Regularization: 1e-4f).Name);
        Assert.Equal("DecoupledWeightDecay(SgdMomentum)", GradientTransformationChain.Build(new SgdOptimizer(0.9f, weightDecay: 1e-4f), weightDecay: 0.01f).Name);
        // A user's optimizer is opaque: nothing to conflict with.
        Assert.Equal("DecoupledWeightDecay(SignSgd)", GradientTransformationChain.Build(new SignSgdOptimizer(), l2Regularization: 0.1f, weightDecay: 0.1f).Name);
        // A user's transform keeps the role Other, anywhere.
        GradientTransformationChain.Build(new AdamOptimizer(), [new NoOp()], l2Regularization: 0.1f).Validate();
        new GradientTransformationChain("Mine", [new ScaleByAdam(), new UserLinks.Scale(2f), new WeightDecay(0.1f), new ScaleByLearningRate()]).Validate();
    }

    private sealed class NoOp : IGradientTransform
    {
        public string Name => "NoOp";

        public void Apply(Span<float> gradients, ReadOnlySpan<float> parameters, in OptimizerStep step) { }
    }

    [Fact]
    public void Build_RejectsInvalidArguments_NamingThem()
    {
        Assert.Equal("optimizer", Assert.Throws<ArgumentNullException>(() => GradientTransformationChain.Build(null!)).ParamName);
        Assert.Equal("l2Regularization", Assert.ThrowsAny<ArgumentException>(() => GradientTransformationChain.Build(new AdamOptimizer(), l2Regularization: -1f)).ParamName);
        Assert.Equal("weightDecay", Assert.ThrowsAny<ArgumentException>(() => GradientTransformationChain.Build(new AdamOptimizer(), weightDecay: float.NaN)).ParamName);
        Assert.Equal("limit", Assert.ThrowsAny<ArgumentException>(() => GradientTransformationChain.Build(new AdamOptimizer(), clipValue: 0f)).ParamName);
        Assert.Equal("maxNorm", Assert.ThrowsAny<ArgumentException>(() => GradientTransformationChain.Build(new AdamOptimizer(), clipNorm: -1f)).ParamName);
    }

    // --- Structure ---

    [Fact]
    public void TheLastLinkAndOnlyTheLast_MovesTheParameters()
    {
        Assert.Throws<ArgumentException>(() => new GradientTransformationChain("Empty", []));
        Assert.Throws<ArgumentNullException>(() => new GradientTransformationChain("Null", [null!, new ScaleByLearningRate()]));
        Assert.Throws<ArgumentException>(() => new GradientTransformationChain(" ", [new ScaleByLearningRate()]));
        var e = Assert.Throws<ArgumentException>(() => new GradientTransformationChain("NoStep", [new ScaleByAdam()]));
        Assert.Contains("must end with the link that moves the parameters", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<ArgumentException>(() => new GradientTransformationChain("Twice", [new ScaleByLearningRate(), new ScaleByAdam(), new ScaleByLearningRate()]));
        Assert.Contains("Link 1 of the chain Twice, ScaleByLearningRate, moves the parameters", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new GradientTransformationChain("AfterOptimizer", [new OptimizerLink(new AdamOptimizer()), new ScaleByLearningRate()]));
    }

    [Fact]
    public void LinksOf_GivesAChainsLinks_OrWrapsAnyOtherOptimizer()
    {
        var adam = new AdamOptimizer(weightDecay: 0.1f);
        Assert.Same(adam.Links, GradientTransformationChain.LinksOf(adam));
        var custom = new SignSgdOptimizer();
        IGradientTransformation link = Assert.Single(GradientTransformationChain.LinksOf(custom));
        Assert.Same(custom, Assert.IsType<OptimizerLink>(link).Optimizer);
        Assert.Equal(TransformationRole.UpdateRule, link.Role);
        Assert.Equal("Adam: L2Regularization(λ = 0.1) → ScaleByAdam(β₁ = 0.9, β₂ = 0.999, ε = 1E-08) → ScaleByLearningRate", adam.ToString());
    }

    [Fact]
    public void EveryBuiltInLink_DeclaresItsRole()
    {
        Assert.Equal(TransformationRole.Clipping, new ClipByValue(1f).Role);
        Assert.Equal(TransformationRole.Clipping, new ClipByGlobalNorm(1f).Role);
        Assert.Equal(TransformationRole.CoupledL2, new L2Regularization(0.1f).Role);
        Assert.Equal(TransformationRole.DecoupledDecay, new WeightDecay(0.1f).Role);
        Assert.Equal(TransformationRole.Scaling, new MomentumTrace(0.9f).Role);
        Assert.Equal(TransformationRole.Scaling, new ScaleByRms().Role);
        Assert.Equal(TransformationRole.Scaling, new ScaleByRootSumOfSquares().Role);
        Assert.Equal(TransformationRole.Scaling, new ScaleByAdam().Role);
        Assert.Equal(TransformationRole.LearningRate, new ScaleByLearningRate().Role);
        Assert.Equal(TransformationRole.Other, new GradientTransformLink(new NoOp()).Role);
    }

    // --- State ---

    public static TheoryData<string, string, int> StoredNamesAndBufferCounts => new()
    {
        // What checkpoints store: the optimizer's name and its buffers. These must not change.
        { "SGD", "Sgd", 0 },
        { "SGD momentum", "SgdMomentum", 1 },
        { "Nesterov", "Nesterov", 1 },
        { "SGD Nesterov weightDecay", "Nesterov", 1 },
        { "Momentum (dampened)", "Momentum", 1 },
        { "RMSProp", "RmsProp", 1 },
        { "RMSProp centered momentum weightDecay", "RmsProp", 3 },
        { "Adam", "Adam", 2 },
        { "Adam AMSGrad", "Adam", 3 },
        { "AdamW", "AdamW", 2 },
        { "Adagrad", "Adagrad", 1 },
        { "DecoupledWeightDecay(SGD momentum)", "DecoupledWeightDecay(SgdMomentum)", 1 },
        { "Build(SGD momentum, weightDecay)", "DecoupledWeightDecay(SgdMomentum)", 1 },
    };

    [Theory]
    [MemberData(nameof(StoredNamesAndBufferCounts))]
    public void StoredNameAndBufferCount_AreUnchanged(string row, string name, int buffers)
    {
        IOptimizer optimizer = OptimizerCases.All[row].Create();
        Assert.Equal(name, optimizer.Name);
        Assert.Equal(buffers, optimizer.CreateState(7).BufferCount);
    }

    [Fact]
    public void RmsPropState_KeepsItsStoredLayout_MeanSquareMomentumCenteredMean()
    {
        // One step from zero with g: s = (1 − ρ) g², a = (1 − ρ) g, b = g / (√(s − a²) + ε).
        var rms = new RmsPropOptimizer(rho: 0.9f, epsilon: 1e-3f, momentum: 0.5f, centered: true);
        float[] g = [0.3f, -0.2f];
        OptimizerState state = rms.CreateState(2);
        rms.Update(new float[2], g, state, new OptimizerStep(0.01f, 1, 2));
        for (int i = 0; i < 2; i++)
        {
            double s = 0.1 * g[i] * g[i], a = 0.1 * g[i], b = g[i] / (Math.Sqrt(s - a * a) + 1e-3);
            Assert.Equal(s, state.Buffer(0)[i], 1e-7);
            Assert.Equal(b, state.Buffer(1)[i], 1e-5);
            Assert.Equal(a, state.Buffer(2)[i], 1e-7);
        }
    }

    [Fact]
    public void ChainState_InterleavesTheLinksBuffers_AndStartsFromTheirCreateState()
    {
        // Every link's first buffer, then every link's second: [counter, m, v].
        var chain = new GradientTransformationChain("Counted", [new UserLinks.Counter(7f), new ScaleByAdam(), new ScaleByLearningRate()]);
        OptimizerState state = chain.CreateState(3);
        Assert.Equal(3, state.BufferCount);
        Assert.All(state.Buffer(0).ToArray(), v => Assert.Equal(7f, v));
        Assert.All(state.Buffer(2).ToArray(), v => Assert.Equal(0f, v));
        float[] g = [0.1f, -0.2f, 0.3f];
        chain.Update(new float[3], g, state, new OptimizerStep(0.01f, 1, 2));
        chain.Update(new float[3], g, state, new OptimizerStep(0.01f, 2, 2));
        Assert.All(state.Buffer(0).ToArray(), v => Assert.Equal(9f, v));
        Assert.Equal(0.1 * 0.9 * 0.1 + 0.1 * 0.1, state.Buffer(1)[0], 1e-7);   // m after two steps
        Assert.Equal(0.001 * 0.999 * 0.01 + 0.001 * 0.01, state.Buffer(2)[0], 1e-9);   // v
        Assert.All(new AdagradOptimizer(initialAccumulator: 0.5f).CreateState(4).Buffer(0).ToArray(), v => Assert.Equal(0.5f, v));
    }

    public static TheoryData<string> AllRows => OptimizerCases.Names;

    [Theory]
    [MemberData(nameof(AllRows))]
    public void StateWrittenAndReadAsACheckpointDoes_ContinuesBitIdentically(string name)
    {
        // A checkpoint stores the buffers and reads them back into a new OptimizerState(count, length): training
        // then continues exactly as if it had never stopped.
        OptimizerCases.Case row = OptimizerCases.All[name];
        const int length = 45;
        var uninterrupted = Train(row.Create(), length, 1, steps: 6, transforms: row.Transforms());

        (float[] start, float[][] gradients) = Inputs(length);
        float[] parameters = (float[])start.Clone();
        IOptimizer optimizer = row.Create();
        IGradientTransform[] transforms = row.Transforms();
        OptimizerState state = optimizer.CreateState(length);
        OptimizerState? restored = null;
        for (int t = 1; t <= 6; t++)
        {
            float[] g = (float[])gradients[t - 1].Clone();
            var step = new OptimizerStep(t % 2 == 0 ? 0.01f : 0.003f, t, length * 7 / 10) { MaxThreads = 1 };
            foreach (IGradientTransform transform in transforms) transform.Apply(g, parameters, step);
            optimizer.Update(parameters, g, restored ?? state, step);
            if (t == 3)
            {
                float[][] saved = Enumerable.Range(0, state.BufferCount).Select(k => state.Buffer(k).ToArray()).ToArray();
                restored = new OptimizerState(saved.Length, length);
                for (int k = 0; k < saved.Length; k++) saved[k].CopyTo(restored.Buffer(k));
                optimizer = row.Create();   // a new process: a new optimizer of the same configuration
                transforms = row.Transforms();
            }
        }

        AssertBitIdentical(uninterrupted, (parameters, restored!));
    }
}
