using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Mlp.Tests.Persistence;

/// <summary>
/// Stands in for our prediction transformer: it is not a built-in ML.NET type, and its <see cref="ICanSaveModel.Save"/>
/// delegates to the ONNX-backed chain, which is what makes stock Model.Save / Model.Load work for it.
/// </summary>
internal sealed class DelegatingTransformer(ITransformer inner) : ITransformer
{
    public bool IsRowToRowMapper => inner.IsRowToRowMapper;

    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema) => inner.GetOutputSchema(inputSchema);

    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema) => inner.GetRowToRowMapper(inputSchema);

    public IDataView Transform(IDataView input) => inner.Transform(input);

    void ICanSaveModel.Save(ModelSaveContext ctx) => ((ICanSaveModel)inner).Save(ctx);
}
