using MLNet.Mlp.Schedules;
using MLNet.Mlp.Tests.Custom;

namespace MLNet.Mlp.Tests.Schedules;

/// <summary>Each schedule's learning rate at chosen t against its formula, written out in double.</summary>
public class ScheduleTests
{
    private static readonly Dictionary<string, (ILearningRateSchedule Schedule, float BaseRate, long T, double Expected)> Cases = new()
    {
        ["Constant t=0"] = (new ConstantSchedule(), 0.1f, 0, 0.1),
        ["Constant t=1000"] = (new ConstantSchedule(), 0.1f, 1000, 0.1),
        ["StepDecay t=0"] = (new StepDecaySchedule(10, 0.5f), 0.1f, 0, 0.1),
        ["StepDecay t=9"] = (new StepDecaySchedule(10, 0.5f), 0.1f, 9, 0.1),
        ["StepDecay t=10"] = (new StepDecaySchedule(10, 0.5f), 0.1f, 10, 0.1 * 0.5),
        ["StepDecay t=25"] = (new StepDecaySchedule(10, 0.5f), 0.1f, 25, 0.1 * 0.5 * 0.5),
        ["StepDecay gamma 1"] = (new StepDecaySchedule(3, 1f), 0.1f, 30, 0.1),
        ["ExponentialDecay t=0"] = (new ExponentialDecaySchedule(0.1f), 0.1f, 0, 0.1),
        ["ExponentialDecay t=1"] = (new ExponentialDecaySchedule(0.1f), 0.1f, 1, 0.1 * Math.Exp(-0.1)),
        ["ExponentialDecay t=20"] = (new ExponentialDecaySchedule(0.1f), 0.1f, 20, 0.1 * Math.Exp(-2.0)),
        ["InverseTimeDecay t=0"] = (new InverseTimeDecaySchedule(0.5f), 0.1f, 0, 0.1),
        ["InverseTimeDecay t=3"] = (new InverseTimeDecaySchedule(0.5f), 0.1f, 3, 0.1 / (1 + 0.5 * 3)),
        ["InverseTimeDecay t=100"] = (new InverseTimeDecaySchedule(0.5f), 0.1f, 100, 0.1 / 51),
        ["Cosine t=0"] = (new CosineAnnealingSchedule(100), 0.1f, 0, 0.1),
        ["Cosine t=25"] = (new CosineAnnealingSchedule(100), 0.1f, 25, 0.5 * 0.1 * (1 + Math.Cos(Math.PI / 4))),
        ["Cosine t=50"] = (new CosineAnnealingSchedule(100), 0.1f, 50, 0.05),
        ["Cosine t=75 min"] = (new CosineAnnealingSchedule(100, 0.01f), 0.1f, 75, 0.01 + 0.5 * (0.1 - 0.01) * (1 + Math.Cos(3 * Math.PI / 4))),
        ["Cosine t=100 min"] = (new CosineAnnealingSchedule(100, 0.01f), 0.1f, 100, 0.01),
        ["Cosine t=150 stays at min"] = (new CosineAnnealingSchedule(100, 0.01f), 0.1f, 150, 0.01),
        ["Warmup constant t=0 startFactor"] = (new WarmupSchedule(4, new ConstantSchedule(), 0.2f), 0.1f, 0, 0.1 * 0.2),
        ["Warmup constant t=1 startFactor"] = (new WarmupSchedule(4, new ConstantSchedule(), 0.2f), 0.1f, 1, 0.1 * (0.2 + 0.8 * 1 / 4.0)),
        ["Warmup constant t=4"] = (new WarmupSchedule(4, new ConstantSchedule(), 0.2f), 0.1f, 4, 0.1),
        ["Warmup step decay t=14"] = (new WarmupSchedule(4, new StepDecaySchedule(10, 0.1f)), 0.1f, 14, 0.1 * 0.1),
        ["Warmup length 0 is the inner schedule"] = (new WarmupSchedule(0, new InverseTimeDecaySchedule(1f)), 0.1f, 1, 0.05),
        ["TriangularCyclic (custom) t=0"] = (new TriangularCyclicSchedule(4, 0.1f), 0.1f, 0, 0.1 * 0.1),
        ["TriangularCyclic (custom) t=2"] = (new TriangularCyclicSchedule(4, 0.1f), 0.1f, 2, 0.1 * (0.1 + 0.9 * 0.5)),
        ["TriangularCyclic (custom) t=4"] = (new TriangularCyclicSchedule(4, 0.1f), 0.1f, 4, 0.1),
        ["TriangularCyclic (custom) t=7"] = (new TriangularCyclicSchedule(4, 0.1f), 0.1f, 7, 0.1 * (0.1 + 0.9 * 0.25)),
        ["TriangularCyclic (custom) t=8"] = (new TriangularCyclicSchedule(4, 0.1f), 0.1f, 8, 0.1 * 0.1),
        ["TriangularCyclic (custom) t=13"] = (new TriangularCyclicSchedule(4, 0.1f), 0.1f, 13, 0.1 * (0.1 + 0.9 * 0.75)),
    };

    public static TheoryData<string> Names => new(Cases.Keys);

    private static void AssertRate(double expected, float actual, string what) =>
        Assert.True(Math.Abs(actual - expected) <= 1e-6 * Math.Abs(expected) + 1e-12, $"{what}: {actual:R}, expected {expected:R}");

    [Theory]
    [MemberData(nameof(Names))]
    public void LearningRate_MatchesFormula(string name)
    {
        (ILearningRateSchedule schedule, float baseRate, long t, double expected) = Cases[name];
        AssertRate(expected, schedule.GetLearningRate(baseRate, t), name);
    }

    [Theory]
    [InlineData(0, 0.0)]                       // t = 0: startFactor·η₀ = 0
    [InlineData(5, 0.05)]                      // warmup/2: η₀/2
    [InlineData(10, 0.1)]                      // warmup: cosine at 0 = η₀
    [InlineData(60, 0.001 + 0.5 * (0.1 - 0.001) * (1 + 0.0))]   // warmup + T/2: cos(π/2) = 0
    [InlineData(110, 0.001)]                   // warmup + T: η_min
    [InlineData(1000, 0.001)]                  // beyond: stays at η_min
    public void WarmupThenCosine(long t, double expected)
    {
        var schedule = new WarmupSchedule(10, new CosineAnnealingSchedule(100, 0.001f));
        AssertRate(expected, schedule.GetLearningRate(0.1f, t), $"t = {t}");
    }

    [Fact]
    public void WarmupThenCosine_IsContinuousAndMonotoneAroundTheJoin()
    {
        var schedule = new WarmupSchedule(10, new CosineAnnealingSchedule(100, 0.001f));
        float[] rates = Enumerable.Range(0, 120).Select(t => schedule.GetLearningRate(0.1f, t)).ToArray();
        for (int t = 1; t <= 10; t++) Assert.True(rates[t] > rates[t - 1]);
        for (int t = 11; t < 110; t++) Assert.True(rates[t] < rates[t - 1]);
        Assert.Equal("Warmup(CosineAnnealing)", schedule.Name);
    }

    [Fact]
    public void NegativeTime_Throws()
    {
        ILearningRateSchedule[] all =
        [
            new ConstantSchedule(), new StepDecaySchedule(1, 0.5f), new ExponentialDecaySchedule(0.1f), new InverseTimeDecaySchedule(0.1f),
            new CosineAnnealingSchedule(10), new WarmupSchedule(3, new ConstantSchedule()), new TriangularCyclicSchedule(2),
        ];
        foreach (ILearningRateSchedule schedule in all)
            Assert.Throws<ArgumentOutOfRangeException>(() => schedule.GetLearningRate(0.1f, -1));
    }

    private static readonly Dictionary<string, (Func<object> Create, string Parameter, string Message)> Invalid = new()
    {
        ["StepDecay stepSize 0"] = (() => new StepDecaySchedule(0, 0.5f), "stepSize", "Invalid stepSize: 0 (must be >= 1)"),
        ["StepDecay gamma 0"] = (() => new StepDecaySchedule(1, 0f), "gamma", "Invalid gamma: 0 (must be in (0, 1])"),
        ["StepDecay gamma 1.5"] = (() => new StepDecaySchedule(1, 1.5f), "gamma", "Invalid gamma: 1.5"),
        ["ExponentialDecay lambda -1"] = (() => new ExponentialDecaySchedule(-1f), "lambda", "Invalid lambda: -1 (must be finite and >= 0)"),
        ["InverseTimeDecay lambda NaN"] = (() => new InverseTimeDecaySchedule(float.NaN), "lambda", "Invalid lambda: NaN"),
        ["Cosine period 0"] = (() => new CosineAnnealingSchedule(0), "period", "Invalid period: 0 (must be >= 1)"),
        ["Cosine minLearningRate -1"] = (() => new CosineAnnealingSchedule(10, -1f), "minLearningRate", "Invalid minLearningRate: -1"),
        ["Warmup warmupLength -1"] = (() => new WarmupSchedule(-1, new ConstantSchedule()), "warmupLength", "Invalid warmupLength: -1 (must be >= 0)"),
        ["Warmup after null"] = (() => new WarmupSchedule(5, null!), "after", "Value cannot be null"),
        ["Warmup startFactor 1.5"] = (() => new WarmupSchedule(5, new ConstantSchedule(), 1.5f), "startFactor", "Invalid startFactor: 1.5 (must be in [0, 1])"),
        ["Plateau factor 1"] = (() => new ReduceOnPlateauSchedule(factor: 1f), "factor", "Invalid factor: 1 (must be in (0, 1))"),
        ["Plateau factor 0"] = (() => new ReduceOnPlateauSchedule(factor: 0f), "factor", "Invalid factor: 0"),
        ["Plateau patience -1"] = (() => new ReduceOnPlateauSchedule(patience: -1), "patience", "Invalid patience: -1 (must be >= 0)"),
        ["Plateau threshold -1"] = (() => new ReduceOnPlateauSchedule(threshold: -1), "threshold", "Invalid threshold: -1"),
        ["Plateau cooldown -1"] = (() => new ReduceOnPlateauSchedule(cooldown: -1), "cooldown", "Invalid cooldown: -1"),
        ["Plateau minLearningRate -1"] = (() => new ReduceOnPlateauSchedule(minLearningRate: -1f), "minLearningRate", "Invalid minLearningRate: -1"),
        ["Plateau mode 7"] = (() => new ReduceOnPlateauSchedule(mode: (PlateauMode)7), "mode", "Invalid mode: 7"),
    };

    public static TheoryData<string> InvalidNames => new(Invalid.Keys);

    [Theory]
    [MemberData(nameof(InvalidNames))]
    public void InvalidArgument_Throws_NamingIt(string name)
    {
        (Func<object> create, string parameter, string message) = Invalid[name];
        ArgumentException ex = Assert.ThrowsAny<ArgumentException>(create);
        Assert.Equal(parameter, ex.ParamName);
        Assert.StartsWith(message, ex.Message, StringComparison.Ordinal);
    }
}
