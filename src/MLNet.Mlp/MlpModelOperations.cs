using MLNet.Mlp.Persistence;
using MLNet.Mlp.Trainers;

namespace Microsoft.ML;

/// <summary>
/// A safer <c>mlContext.Model.Save</c>. ML.NET's <c>Save(model, schema, path)</c> creates (truncating) the destination
/// before any transformer writes itself, so a transformer that throws while saving leaves an empty or partial zip where
/// the previous model was. <see cref="SaveAtomically"/> writes the same standard model zip to a temporary file beside
/// the destination and renames it into place only once it is complete.
/// </summary>
public static class MlpModelOperations
{
    /// <summary>
    /// Saves <paramref name="model"/> and <paramref name="inputSchema"/> like
    /// <see cref="ModelOperationsCatalog.Save(ITransformer, DataViewSchema, string)"/>, atomically: afterwards the file at
    /// <paramref name="filePath"/> is either the complete new model or, when anything failed, exactly what it was before
    /// (absent if it did not exist). An MLP transformer that cannot be saved (a custom activation has no ONNX form) is
    /// refused before any file is touched. Load the result with the stock <c>mlContext.Model.Load</c>.
    /// </summary>
    /// <param name="catalog">The model operations catalog (<c>mlContext.Model</c>).</param>
    /// <param name="model">The model or pipeline to save.</param>
    /// <param name="inputSchema">The schema of its input, or null.</param>
    /// <param name="filePath">The destination zip.</param>
    /// <exception cref="NotSupportedException">An MLP transformer in <paramref name="model"/> has no ONNX form.</exception>
    public static void SaveAtomically(this ModelOperationsCatalog catalog, ITransformer model, DataViewSchema? inputSchema, string filePath)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrEmpty(filePath);
        foreach (var mlp in MlpTransformersIn(model))
            if (mlp.Model.OnnxExportBlocker is { } reason)
                throw new NotSupportedException(reason + $" Nothing was written to '{filePath}'.");
        // Any other failure (another transformer's save, the disk) happens on the temporary file.
        AtomicFile.Write(filePath, stream => catalog.Save(model, inputSchema, stream));
    }

    private static IEnumerable<MlpPredictionTransformer> MlpTransformersIn(ITransformer model)
    {
        if (model is MlpPredictionTransformer mlp)
        {
            yield return mlp;
        }
        else if (model is IEnumerable<ITransformer> chain)
        {
            foreach (var inner in chain)
                foreach (var found in MlpTransformersIn(inner))
                    yield return found;
        }
    }
}
