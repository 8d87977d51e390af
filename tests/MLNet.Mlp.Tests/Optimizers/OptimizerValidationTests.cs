using MLNet.Mlp.Optimizers;

namespace MLNet.Mlp.Tests.Optimizers;

/// <summary>Every invalid hyper-parameter is rejected at construction with a message that names it.</summary>
public class OptimizerValidationTests
{
    private static readonly Dictionary<string, (Func<object> Create, string Parameter, string Message)> Cases = new()
    {
        ["SGD momentum 1.5"] = (() => new SgdOptimizer(momentum: 1.5f), "momentum", "Invalid momentum: 1.5 (must be in [0, 1))"),
        ["SGD momentum -0.1"] = (() => new SgdOptimizer(momentum: -0.1f), "momentum", "Invalid momentum: -0.1 (must be in [0, 1))"),
        ["SGD momentum NaN"] = (() => new SgdOptimizer(momentum: float.NaN), "momentum", "Invalid momentum: NaN"),
        ["SGD dampening 1.5"] = (() => new SgdOptimizer(0.9f, dampening: 1.5f), "dampening", "Invalid dampening: 1.5 (must be in [0, 1])"),
        ["SGD weightDecay -1"] = (() => new SgdOptimizer(weightDecay: -1f), "weightDecay", "Invalid weightDecay: -1 (must be finite and >= 0)"),
        ["SGD weightDecay +inf"] = (() => new SgdOptimizer(weightDecay: float.PositiveInfinity), "weightDecay", "Invalid weightDecay: Infinity"),
        ["SGD Nesterov without momentum"] = (() => new SgdOptimizer(nesterov: true), "nesterov", "Nesterov momentum requires a momentum and zero dampening"),
        ["SGD Nesterov with dampening"] = (() => new SgdOptimizer(0.9f, 0.1f, nesterov: true), "nesterov", "Nesterov momentum requires a momentum and zero dampening"),
        ["Momentum beta 1"] = (() => new MomentumOptimizer(1f), "beta", "Invalid beta: 1 (must be in [0, 1))"),
        ["Nesterov momentum 0"] = (() => new NesterovOptimizer(0f), "momentum", "Invalid momentum: 0 (must be in (0, 1))"),
        ["RMSProp rho 1"] = (() => new RmsPropOptimizer(rho: 1f), "rho", "Invalid rho: 1 (must be in [0, 1))"),
        ["RMSProp epsilon 0"] = (() => new RmsPropOptimizer(epsilon: 0f), "epsilon", "Invalid epsilon: 0 (must be finite and > 0)"),
        ["RMSProp momentum -1"] = (() => new RmsPropOptimizer(momentum: -1f), "momentum", "Invalid momentum: -1 (must be in [0, 1))"),
        ["RMSProp weightDecay -1"] = (() => new RmsPropOptimizer(weightDecay: -1f), "weightDecay", "Invalid weightDecay: -1"),
        ["Adam beta1 1"] = (() => new AdamOptimizer(beta1: 1f), "beta1", "Invalid beta1: 1 (must be in [0, 1))"),
        ["Adam beta2 -0.5"] = (() => new AdamOptimizer(beta2: -0.5f), "beta2", "Invalid beta2: -0.5 (must be in [0, 1))"),
        ["Adam epsilon -1e-8"] = (() => new AdamOptimizer(epsilon: -1e-8f), "epsilon", "Invalid epsilon: -1E-08 (must be finite and > 0)"),
        ["Adam weightDecay -0.1"] = (() => new AdamOptimizer(weightDecay: -0.1f), "weightDecay", "Invalid weightDecay: -0.1"),
        ["AdamW beta1 1.1"] = (() => new AdamWOptimizer(beta1: 1.1f), "beta1", "Invalid beta1: 1.1"),
        ["AdamW beta2 1"] = (() => new AdamWOptimizer(beta2: 1f), "beta2", "Invalid beta2: 1"),
        ["AdamW epsilon 0"] = (() => new AdamWOptimizer(epsilon: 0f), "epsilon", "Invalid epsilon: 0"),
        ["AdamW weightDecay -0.01"] = (() => new AdamWOptimizer(weightDecay: -0.01f), "weightDecay", "Invalid weightDecay: -0.01"),
        ["Adagrad epsilon 0"] = (() => new AdagradOptimizer(epsilon: 0f), "epsilon", "Invalid epsilon: 0"),
        ["Adagrad initialAccumulator -1"] = (() => new AdagradOptimizer(initialAccumulator: -1f), "initialAccumulator", "Invalid initialAccumulator: -1"),
        ["Adagrad weightDecay NaN"] = (() => new AdagradOptimizer(weightDecay: float.NaN), "weightDecay", "Invalid weightDecay: NaN"),
        ["DecoupledWeightDecay inner null"] = (() => new DecoupledWeightDecay(null!, 0.1f), "inner", "Value cannot be null"),
        ["DecoupledWeightDecay weightDecay -1"] = (() => new DecoupledWeightDecay(new SgdOptimizer(), -1f), "weightDecay", "Invalid weightDecay: -1"),
        ["ClipByValue limit 0"] = (() => new ClipByValue(0f), "limit", "Invalid limit: 0 (must be finite and > 0)"),
        ["ClipByValue limit NaN"] = (() => new ClipByValue(float.NaN), "limit", "Invalid limit: NaN"),
        ["ClipByGlobalNorm maxNorm -1"] = (() => new ClipByGlobalNorm(-1f), "maxNorm", "Invalid maxNorm: -1"),
        ["L2Regularization lambda -1"] = (() => new L2Regularization(-1f), "lambda", "Invalid lambda: -1 (must be finite and >= 0)"),
        ["WeightDecay weightDecay -1"] = (() => new WeightDecay(-1f), "weightDecay", "Invalid weightDecay: -1 (must be finite and >= 0)"),
        ["MomentumTrace momentum 1"] = (() => new MomentumTrace(1f), "momentum", "Invalid momentum: 1 (must be in [0, 1))"),
        ["MomentumTrace dampening 2"] = (() => new MomentumTrace(0.5f, 2f), "dampening", "Invalid dampening: 2 (must be in [0, 1])"),
        ["MomentumTrace Nesterov with dampening"] = (() => new MomentumTrace(0.9f, 0.1f, nesterov: true), "nesterov", "Nesterov momentum requires a momentum and zero dampening"),
        ["ScaleByRms rho -0.1"] = (() => new ScaleByRms(rho: -0.1f), "rho", "Invalid rho: -0.1 (must be in [0, 1))"),
        ["ScaleByRms epsilon 0"] = (() => new ScaleByRms(epsilon: 0f), "epsilon", "Invalid epsilon: 0 (must be finite and > 0)"),
        ["ScaleByRootSumOfSquares epsilon NaN"] = (() => new ScaleByRootSumOfSquares(epsilon: float.NaN), "epsilon", "Invalid epsilon: NaN"),
        ["ScaleByRootSumOfSquares initialAccumulator -1"] = (() => new ScaleByRootSumOfSquares(initialAccumulator: -1f), "initialAccumulator", "Invalid initialAccumulator: -1"),
        ["ScaleByAdam beta1 1"] = (() => new ScaleByAdam(beta1: 1f), "beta1", "Invalid beta1: 1 (must be in [0, 1))"),
        ["ScaleByAdam beta2 NaN"] = (() => new ScaleByAdam(beta2: float.NaN), "beta2", "Invalid beta2: NaN"),
        ["ScaleByAdam epsilon -1"] = (() => new ScaleByAdam(epsilon: -1f), "epsilon", "Invalid epsilon: -1"),
        ["OptimizerLink optimizer null"] = (() => new OptimizerLink(null!), "optimizer", "Value cannot be null"),
        ["GradientTransformLink transform null"] = (() => new GradientTransformLink(null!), "transform", "Value cannot be null"),
    };

    public static TheoryData<string> Names => new(Cases.Keys);

    [Theory]
    [MemberData(nameof(Names))]
    public void InvalidHyperParameter_Throws_NamingIt(string name)
    {
        (Func<object> create, string parameter, string message) = Cases[name];
        ArgumentException ex = Assert.ThrowsAny<ArgumentException>(create);
        Assert.Equal(parameter, ex.ParamName);
        Assert.StartsWith(message, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Properties_ExposeTheHyperParameters()
    {
        var sgd = new SgdOptimizer(0.8f, 0.2f, false, 0.05f);
        Assert.Equal((0.8f, 0.2f, false, 0.05f), (sgd.Momentum, sgd.Dampening, sgd.Nesterov, sgd.WeightDecay));
        var adam = new AdamOptimizer();
        Assert.Equal((0.9f, 0.999f, 1e-8f, false, 0f), (adam.Beta1, adam.Beta2, adam.Epsilon, adam.AmsGrad, adam.WeightDecay));
        var adamW = new AdamWOptimizer();
        Assert.Equal(0.01f, adamW.WeightDecay);
        var rms = new RmsPropOptimizer();
        Assert.Equal((0.99f, 1e-8f, 0f, false, 0f), (rms.Rho, rms.Epsilon, rms.Momentum, rms.Centered, rms.WeightDecay));
        var adagrad = new AdagradOptimizer();
        Assert.Equal((1e-10f, 0f, 0f), (adagrad.Epsilon, adagrad.InitialAccumulator, adagrad.WeightDecay));
        Assert.Equal(0.9f, new MomentumOptimizer().Beta);
        Assert.Equal(0.9f, new NesterovOptimizer().Momentum);
        var wrapped = new DecoupledWeightDecay(adam, 0.1f);
        Assert.Same(adam, wrapped.Inner);
        Assert.Equal("DecoupledWeightDecay(Adam)", wrapped.Name);
        Assert.Equal(0.5f, new ClipByValue(0.5f).Limit);
        Assert.Equal(2f, new ClipByGlobalNorm(2f).MaxNorm);
        Assert.Equal(0.01f, new L2Regularization(0.01f).Lambda);
        Assert.Equal(0.02f, new WeightDecay(0.02f).Lambda);
        var trace = new MomentumTrace(0.8f, 0.3f, false, startFromFirstUpdate: false);
        Assert.Equal((0.8f, 0.3f, false, false), (trace.Momentum, trace.Dampening, trace.Nesterov, trace.StartsFromFirstUpdate));
        var rmsLink = new ScaleByRms();
        Assert.Equal((0.99f, 1e-8f, false), (rmsLink.Rho, rmsLink.Epsilon, rmsLink.Centered));
        var rss = new ScaleByRootSumOfSquares();
        Assert.Equal((1e-10f, 0f), (rss.Epsilon, rss.InitialAccumulator));
        var adamLink = new ScaleByAdam();
        Assert.Equal((0.9f, 0.999f, 1e-8f, false), (adamLink.Beta1, adamLink.Beta2, adamLink.Epsilon, adamLink.AmsGrad));
        Assert.Equal("AdamW", new OptimizerLink(adamW).Name);
    }

    [Fact]
    public void Update_RejectsMismatchedBuffersStateAndStep()
    {
        var adam = new AdamOptimizer();
        OptimizerState state = adam.CreateState(3);
        float[] p = new float[3], g = new float[3];
        Assert.Throws<ArgumentException>(() => adam.Update(p, new float[2], state, new OptimizerStep(0.1f, 1, 2)));
        Assert.Throws<ArgumentException>(() => adam.Update(p, g, new OptimizerState(2, 4), new OptimizerStep(0.1f, 1, 2)));
        Assert.Throws<ArgumentException>(() => adam.Update(p, g, new SgdOptimizer(0.9f).CreateState(3), new OptimizerStep(0.1f, 1, 2)));
        Assert.Throws<ArgumentOutOfRangeException>(() => adam.Update(p, g, state, new OptimizerStep(0.1f, 0, 2)));
        Assert.Throws<ArgumentOutOfRangeException>(() => adam.Update(p, g, state, new OptimizerStep(0.1f, 1, 4)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new L2Regularization(0.1f).Apply(g, p, new OptimizerStep(0.1f, 1, -1)));
    }

    [Fact]
    public void CreateState_HasTheDocumentedBuffers()
    {
        Assert.Equal(0, new SgdOptimizer().CreateState(5).BufferCount);
        Assert.Equal(1, new SgdOptimizer(0.9f).CreateState(5).BufferCount);
        Assert.Equal(1, new MomentumOptimizer().CreateState(5).BufferCount);
        Assert.Equal(1, new RmsPropOptimizer().CreateState(5).BufferCount);
        Assert.Equal(3, new RmsPropOptimizer(momentum: 0.9f, centered: true).CreateState(5).BufferCount);
        Assert.Equal(2, new AdamOptimizer().CreateState(5).BufferCount);
        Assert.Equal(3, new AdamWOptimizer(amsgrad: true).CreateState(5).BufferCount);
        OptimizerState adagrad = new AdagradOptimizer(initialAccumulator: 0.1f).CreateState(5);
        Assert.All(adagrad.Buffer(0).ToArray(), v => Assert.Equal(0.1f, v));
    }
}
