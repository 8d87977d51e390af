using System.Reflection;
using Microsoft.ML;

namespace MLNet.Mlp.Tests.Trainers;

/// <summary>
/// <c>SchemaShape.Create(DataViewSchema)</c>, which ML.NET keeps internal but calls itself (EstimatorChain.Fit runs schema
/// propagation with it before training); the tests call it the same way to exercise <c>GetOutputSchema</c> directly.
/// </summary>
internal static class Shapes
{
    private static readonly MethodInfo Create = typeof(SchemaShape).GetMethod("Create", BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic, [typeof(DataViewSchema)])
        ?? throw new InvalidOperationException("SchemaShape.Create(DataViewSchema) not found.");

    public static SchemaShape Of(DataViewSchema schema)
    {
        try
        {
            return (SchemaShape)Create.Invoke(null, [schema])!;
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerException).Throw();
            throw;
        }
    }
}
