using System.Reflection;
using Microsoft.ML;
using Microsoft.ML.Runtime;
using MLNet.Mlp.Trainers;

namespace MLNet.Mlp.Tests.Compatibility;

/// <summary>
/// The ML.NET members the library reaches by reflection (<see cref="MlNetInternals"/>) are there and do what the
/// library relies on. Without them training still works, minus the context's log, seed and cancellation, so these
/// tests are what notices an ML.NET upgrade that moves them.
/// </summary>
public class MlNetInternalsTests
{
    [Fact]
    public void EveryInternalMemberTheLibraryUsesExistsInThisMLNet()
    {
        var missing = MlNetInternals.MissingMembers();
        Assert.True(missing.Count == 0, "This ML.NET version lacks members MLNet.Mlp reaches by reflection (see MlNetInternals):"
            + Environment.NewLine + string.Join(Environment.NewLine, missing));
    }

    [Fact]
    public void EnvironmentBehindEachTrainersCatalogWritesToItsContextsLog()
    {
        var ml = new MLContext(seed: 1);
        var sources = new List<string>();
        ml.Log += (_, e) => { if (e.RawMessage == "probe") sources.Add(e.Source); };

        TrainCatalogBase.CatalogInstantiatorBase[] catalogs = [ml.BinaryClassification.Trainers, ml.MulticlassClassification.Trainers, ml.Regression.Trainers];
        foreach (var catalog in catalogs)
        {
            var environment = MlNetInternals.EnvironmentOf(catalog);
            Assert.NotNull(environment);
            using var channel = environment.Register("Probe").Start("Check");
            channel.Info(MessageSensitivity.None, "probe");
        }

        Assert.Equal(3, sources.Count);
    }

    [Fact]
    public void HostsOfAContextReadAsCanceledOnlyAfterCancelExecution()
    {
        var ml = new MLContext(seed: 1);
        var host = ((IHostEnvironment)ml).Register("Probe");
        Assert.False(MlNetInternals.IsCanceled(host));

        typeof(MLContext).GetMethod("CancelExecution", BindingFlags.Instance | BindingFlags.NonPublic)!.Invoke(ml, null);

        Assert.True(MlNetInternals.IsCanceled(host));
        Assert.True(MlNetInternals.IsCanceled(((IHostEnvironment)ml).Register("RegisteredAfterwards")));
    }

    [Fact]
    public void TrainerInfoCarriesTheFlagsItIsCreatedWith()
    {
        var info = MlNetInternals.TrainerInfo(normalization: true, caching: false, supportsValidation: true, supportsIncrementalTraining: true);
        Assert.True(info.NeedNormalization);
        Assert.False(info.WantCaching);
        Assert.True((bool)typeof(TrainerInfo).GetProperty("SupportsValidation", BindingFlags.Instance | BindingFlags.NonPublic)!.GetValue(info)!);
        Assert.True((bool)typeof(TrainerInfo).GetProperty("SupportsIncrementalTraining", BindingFlags.Instance | BindingFlags.NonPublic)!.GetValue(info)!);

        var other = MlNetInternals.TrainerInfo(normalization: false, caching: true, supportsValidation: false, supportsIncrementalTraining: false);
        Assert.False(other.NeedNormalization);
        Assert.True(other.WantCaching);
    }
}
