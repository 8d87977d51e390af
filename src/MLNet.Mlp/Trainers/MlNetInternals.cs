using System.Reflection;
using System.Runtime.CompilerServices;
using Microsoft.ML;
using Microsoft.ML.Runtime;

namespace MLNet.Mlp.Trainers;

/// <summary>
/// The non-public members of ML.NET this library relies on, all of them, found here by reflection once.
/// </summary>
/// <remarks>
/// ML.NET's own trainers reach these through friend-assembly access, which an outside package does not have:
/// <list type="bullet">
/// <item><description><c>Microsoft.ML.Data.IInternalCatalog.Environment</c>: the environment behind
/// <c>ml.*.Trainers</c>, the interface ML.NET's trainer packages use for exactly this (its <c>CatalogUtils</c>). Through
/// it the catalog methods give the trainer the <see cref="MLContext"/>'s log, seed and cancellation.</description></item>
/// <item><description><c>Microsoft.ML.Runtime.ICancelable.IsCanceled</c>: what <c>CancelExecution</c> sets on every host
/// of the context, and what the built-in trainers' <c>CheckAlive()</c> reads.</description></item>
/// <item><description><see cref="TrainerInfo"/>'s constructor, internal, with no public alternative.</description></item>
/// </list>
/// When an ML.NET upgrade removes one, training still works and only that feature is lost (no context, no
/// cancellation through the context, a <see cref="TrainerInfo"/> of all-false flags), while <see cref="MissingMembers"/>
/// names it to the test that guards against it.
/// </remarks>
internal static class MlNetInternals
{
    private const string CatalogInterfaceName = "Microsoft.ML.Data.IInternalCatalog";
    private const string CancelableInterfaceName = "Microsoft.ML.Runtime.ICancelable";

    private static readonly PropertyInfo? CatalogEnvironment = FindCatalogEnvironment();
    private static readonly PropertyInfo? IsCanceledProperty = FindIsCanceled();
    private static readonly ConstructorInfo? TrainerInfoConstructor = typeof(TrainerInfo).GetConstructor(
        BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic, null,
        [typeof(bool), typeof(bool), typeof(bool), typeof(bool), typeof(bool), typeof(bool)], null);

    /// <summary>The environment (the <see cref="MLContext"/>'s) behind a trainers catalog such as
    /// <c>ml.BinaryClassification.Trainers</c>, or null if this ML.NET no longer exposes it.</summary>
    public static IHostEnvironment? EnvironmentOf(TrainCatalogBase.CatalogInstantiatorBase catalog)
        => CatalogEnvironment?.GetValue(catalog) as IHostEnvironment;

    /// <summary>Whether <c>CancelExecution</c> was called on the context <paramref name="host"/> belongs to.</summary>
    public static bool IsCanceled(IHost host)
        => IsCanceledProperty != null && IsCanceledProperty.DeclaringType!.IsInstanceOfType(host) && IsCanceledProperty.GetValue(host) is true;

    /// <summary>A <see cref="TrainerInfo"/> with the given flags (the ones ML.NET does not expose left false).</summary>
    /// <param name="normalization">Whether the trainer needs normalized features.</param>
    /// <param name="caching">Whether the trainer reads the data several times and wants it cached.</param>
    /// <param name="supportsValidation">Whether <c>Fit</c> takes validation data.</param>
    /// <param name="supportsIncrementalTraining">Whether <c>Fit</c> continues a previous model.</param>
    public static TrainerInfo TrainerInfo(bool normalization, bool caching, bool supportsValidation, bool supportsIncrementalTraining)
        => TrainerInfoConstructor?.Invoke([normalization, false, caching, supportsValidation, supportsIncrementalTraining, false]) as TrainerInfo
            ?? (TrainerInfo)RuntimeHelpers.GetUninitializedObject(typeof(TrainerInfo));

    /// <summary>The members above that this ML.NET lacks, each named with what is lost without it; empty when all are there.</summary>
    public static IReadOnlyList<string> MissingMembers()
    {
        var missing = new List<string>();
        if (CatalogEnvironment == null)
            missing.Add($"{CatalogInterfaceName}.Environment (implemented by {typeof(TrainCatalogBase.CatalogInstantiatorBase).FullName}): the catalog methods cannot reach the MLContext's log, seed and cancellation.");
        if (IsCanceledProperty == null)
            missing.Add($"{CancelableInterfaceName}.IsCanceled (in {typeof(IHost).Assembly.GetName().Name}): MLContext's CancelExecution no longer stops a fit.");
        if (TrainerInfoConstructor == null)
            missing.Add($"{typeof(TrainerInfo).FullName}(bool normalization, bool calibration, bool caching, bool supportValid, bool supportIncrementalTrain, bool supportTest): the trainers' Info has every flag false.");
        return missing;
    }

    private static PropertyInfo? FindCatalogEnvironment()
    {
        var property = typeof(TrainCatalogBase.CatalogInstantiatorBase).GetInterface(CatalogInterfaceName)?.GetProperty("Environment");
        return property?.PropertyType == typeof(IHostEnvironment) ? property : null;
    }

    private static PropertyInfo? FindIsCanceled()
    {
        var property = typeof(IHost).Assembly.GetType(CancelableInterfaceName)?.GetProperty("IsCanceled");
        return property?.PropertyType == typeof(bool) ? property : null;
    }
}
