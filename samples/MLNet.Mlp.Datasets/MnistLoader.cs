using Microsoft.ML;

namespace MLNet.Mlp.Datasets;

/// <summary>
/// Loads MNIST-style IDX image and label files (MNIST, Fashion-MNIST) as an <see cref="IDataView"/>.
/// </summary>
/// <remarks>
/// <para>
/// The view has two columns: <see cref="FeaturesColumnName"/>, a fixed-size vector of
/// <see cref="float"/> with one slot per pixel (784 for 28x28 images), each pixel divided by 255
/// so it lies in [0, 1]; and <see cref="LabelColumnName"/>, the stored label as a
/// <see cref="float"/> (0..9 for MNIST). Map the label to a key type before a multiclass trainer:
/// </para>
/// <code>
/// IDataView train = MnistLoader.Load(ml, "train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz");
/// var pipeline = ml.Transforms.Conversion.MapValueToKey("Label")
///     .Append(trainer)
///     .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedLabel"));
/// </code>
/// <para>
/// The files are read at once into memory (about 188 MB of <see cref="float"/> for the 60,000
/// MNIST training images); the view then reads no file, can be shuffled and knows its row count.
/// See <see cref="MnistDataset"/> for the format rules and for direct access to the arrays.
/// </para>
/// </remarks>
public static class MnistLoader
{
    /// <summary>The name of the feature column: <c>Features</c>.</summary>
    public const string FeaturesColumnName = "Features";

    /// <summary>The name of the label column: <c>Label</c>.</summary>
    public const string LabelColumnName = "Label";

    /// <summary>
    /// Reads an images file and a labels file in IDX format, raw or gzip-compressed, into an
    /// <see cref="IDataView"/> with columns <c>Features</c> (vector of <see cref="float"/> in [0, 1])
    /// and <c>Label</c> (<see cref="float"/>).
    /// </summary>
    /// <param name="mlContext">The ML.NET context.</param>
    /// <param name="imagesPath">The images file, with dimensions (count, rows, columns).</param>
    /// <param name="labelsPath">The labels file, with dimension (count).</param>
    /// <param name="maxRows">If given, load only the first <paramref name="maxRows"/> rows (all if there are fewer).</param>
    /// <returns>The data as an <see cref="IDataView"/>.</returns>
    /// <exception cref="InvalidDataException">
    /// Either file is not valid IDX, the images file does not have three dimensions, the labels
    /// file does not have one, or the two counts differ.
    /// </exception>
    public static IDataView Load(MLContext mlContext, string imagesPath, string labelsPath, int? maxRows = null)
    {
        // The context is taken for ML.NET symmetry (loaders hang off a context); the view needs none of its services.
        ArgumentNullException.ThrowIfNull(mlContext);
        return MnistDataset.Load(imagesPath, labelsPath, maxRows).ToDataView();
    }

    /// <summary>
    /// Reads an images file and a labels file in IDX format, raw or gzip-compressed, into an
    /// <see cref="IDataView"/>; the same as <see cref="Load(MLContext, string, string, int?)"/>,
    /// in the style of <c>mlContext.Data.LoadFromTextFile</c>.
    /// </summary>
    /// <param name="catalog">The data catalog, <c>mlContext.Data</c>.</param>
    /// <param name="imagesPath">The images file, with dimensions (count, rows, columns).</param>
    /// <param name="labelsPath">The labels file, with dimension (count).</param>
    /// <param name="maxRows">If given, load only the first <paramref name="maxRows"/> rows (all if there are fewer).</param>
    /// <returns>The data as an <see cref="IDataView"/> with columns <c>Features</c> and <c>Label</c>.</returns>
    /// <exception cref="InvalidDataException">
    /// Either file is not valid IDX, the images file does not have three dimensions, the labels
    /// file does not have one, or the two counts differ.
    /// </exception>
    public static IDataView LoadFromIdx(this DataOperationsCatalog catalog, string imagesPath, string labelsPath, int? maxRows = null)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return MnistDataset.Load(imagesPath, labelsPath, maxRows).ToDataView();
    }
}
