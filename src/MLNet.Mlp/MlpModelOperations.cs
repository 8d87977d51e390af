using MLNet.Mlp.Persistence;
using MLNet.Mlp.Trainers;

namespace Microsoft.ML;

/// <summary>
/// A safer <c>mlContext.Model.Save</c>. ML.NET's <c>Save(model, schema, path)</c> creates (truncating) the destination
/// before any transformer writes itself, so a transformer that throws while saving leaves an empty or partial zip where
/// the previous model was. <see cref="SaveAtomically"/> writes the same standard model zip to a temporary file beside
/// the destination and renames it into place only once it is complete. <see cref="LoadMlp(ModelOperationsCatalog, string, out DataViewSchema)"/>
/// reads such a zip back with each MLP as the library's own transformer, checked for corruption and safe to serve from.
/// </summary>
public static class MlpModelOperations
{
    /// <summary>
    /// Saves <paramref name="model"/> and <paramref name="inputSchema"/> like
    /// <see cref="ModelOperationsCatalog.Save(ITransformer, DataViewSchema, string)"/>, atomically: afterwards the file at
    /// <paramref name="filePath"/> is either the complete new model or, when anything failed, exactly what it was before
    /// (absent if it did not exist). An MLP transformer that cannot be saved (a custom activation has no ONNX form) is
    /// refused before any file is touched. Load the result with <see cref="LoadMlp(ModelOperationsCatalog, string, out DataViewSchema)"/> (or the stock <c>mlContext.Model.Load</c>).
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

    /// <summary>
    /// Loads a model zip written by <see cref="ModelOperationsCatalog.Save(ITransformer, DataViewSchema, string)"/> or
    /// <see cref="SaveAtomically"/> and returns the pipeline with each MLP stage as the library's own prediction
    /// transformer (<see cref="MlpMulticlassPredictionTransformer"/>, <see cref="MlpBinaryPredictionTransformer"/> or
    /// <see cref="MlpRegressionPredictionTransformer"/>): the same type, output columns and annotations (multiclass
    /// <c>Score</c> slot names included), scoring speed and predictions, bit for bit, as the transformer that was trained.
    /// The other transforms are loaded by ML.NET as <see cref="ModelOperationsCatalog.Load(string, out DataViewSchema)"/>
    /// loads them. Unlike a stock-loaded model, the result keeps working after any number of <c>PredictionEngine</c>s
    /// made from it have been disposed.
    /// </summary>
    /// <remarks>
    /// Before ML.NET reads the zip, every entry is checked against the CRC-32 the zip records for it, and the ONNX graph
    /// of each MLP against the SHA-256 saved with it, so a corrupted model is refused instead of scoring garbage. Zips
    /// saved by earlier versions of the library carry no SHA-256 and no restorable MLP: they load with their ONNX
    /// transforms in place (protected from disposal), predicting exactly as stock <c>Load</c> does.
    /// </remarks>
    /// <param name="catalog">The model operations catalog (<c>mlContext.Model</c>).</param>
    /// <param name="filePath">The model zip.</param>
    /// <param name="inputSchema">The schema of the model's input, as it was saved.</param>
    /// <returns>The pipeline.</returns>
    /// <exception cref="MlpModelFormatException">The zip is unreadable or corrupted, or ML.NET cannot load it; <see cref="MlpModelFormatException.EntryName"/> names the entry at fault when known.</exception>
    /// <exception cref="FileNotFoundException">No file at <paramref name="filePath"/>.</exception>
    public static ITransformer LoadMlp(this ModelOperationsCatalog catalog, string filePath, out DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentException.ThrowIfNullOrEmpty(filePath);
        using var file = File.OpenRead(filePath);
        return MlpModelLoader.Load(catalog, file, out inputSchema);
    }

    /// <summary>
    /// Loads a model zip from <paramref name="stream"/> (read to its end) like <see cref="LoadMlp(ModelOperationsCatalog, string, out DataViewSchema)"/>.
    /// </summary>
    /// <param name="catalog">The model operations catalog (<c>mlContext.Model</c>).</param>
    /// <param name="stream">The model zip.</param>
    /// <param name="inputSchema">The schema of the model's input, as it was saved.</param>
    /// <returns>The pipeline.</returns>
    /// <exception cref="MlpModelFormatException">The zip is unreadable or corrupted, or ML.NET cannot load it; <see cref="MlpModelFormatException.EntryName"/> names the entry at fault when known.</exception>
    public static ITransformer LoadMlp(this ModelOperationsCatalog catalog, Stream stream, out DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(stream);
        return MlpModelLoader.Load(catalog, stream, out inputSchema);
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
