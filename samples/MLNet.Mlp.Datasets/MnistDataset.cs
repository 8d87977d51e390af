using System.Buffers;
using Microsoft.ML;

namespace MLNet.Mlp.Datasets;

/// <summary>
/// An MNIST-style image data set held in memory: images as one contiguous array of
/// <see cref="float"/> pixels scaled to [0, 1], and one <see cref="float"/> label per image.
/// </summary>
/// <remarks>
/// <para>
/// Reads a pair of IDX files such as MNIST's <c>train-images-idx3-ubyte.gz</c> and
/// <c>train-labels-idx1-ubyte.gz</c> (Fashion-MNIST uses the same layout). The images file must
/// have three dimensions (count, rows, columns); the labels file one (count), with the same count.
/// </para>
/// <para>
/// Pixels of type <see cref="IdxDataType.UnsignedByte"/> are divided by 255; images of any other
/// element type are loaded as stored. Labels are the stored values (the digits 0..9 for MNIST) as
/// <see cref="float"/>: map them to a key type with <c>MapValueToKey</c> before training a multiclass
/// trainer, as with any other numeric label.
/// </para>
/// </remarks>
public sealed class MnistDataset
{
    // Unsigned-byte images are read in blocks of this many rows, so the byte buffer stays small.
    private const int RowsPerBlock = 256;

    private readonly float[] _features;
    private readonly float[] _labels;

    private MnistDataset(float[] features, float[] labels, int imageHeight, int imageWidth)
    {
        _features = features;
        _labels = labels;
        ImageHeight = imageHeight;
        ImageWidth = imageWidth;
    }

    /// <summary>Gets the number of images.</summary>
    public int Count => _labels.Length;

    /// <summary>Gets the height of one image in pixels (28 for MNIST).</summary>
    public int ImageHeight { get; }

    /// <summary>Gets the width of one image in pixels (28 for MNIST).</summary>
    public int ImageWidth { get; }

    /// <summary>Gets the number of pixels of one image: <see cref="ImageHeight"/> times <see cref="ImageWidth"/> (784 for MNIST).</summary>
    public int FeatureCount => ImageHeight * ImageWidth;

    /// <summary>
    /// Gets all pixels, row-major: image <c>i</c> occupies elements
    /// <c>i * FeatureCount</c> to <c>(i + 1) * FeatureCount - 1</c>, and within an image the
    /// pixels go row by row.
    /// </summary>
    public ReadOnlyMemory<float> Features => _features;

    /// <summary>Gets the labels, one per image.</summary>
    public ReadOnlyMemory<float> Labels => _labels;

    /// <summary>
    /// Gets the pixels of one image.
    /// </summary>
    /// <param name="index">The zero-based index of the image.</param>
    /// <returns>The <see cref="FeatureCount"/> pixels of the image.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is not below <see cref="Count"/>.</exception>
    public ReadOnlySpan<float> GetImage(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
        return _features.AsSpan(index * FeatureCount, FeatureCount);
    }

    /// <summary>
    /// Reads an images file and a labels file in IDX format, raw or gzip-compressed.
    /// </summary>
    /// <param name="imagesPath">The images file, with dimensions (count, rows, columns).</param>
    /// <param name="labelsPath">The labels file, with dimension (count).</param>
    /// <param name="maxRows">If given, read only the first <paramref name="maxRows"/> images and labels (all if there are fewer).</param>
    /// <returns>The data set in memory.</returns>
    /// <exception cref="InvalidDataException">
    /// Either file is not valid IDX, the images file does not have three dimensions, the labels
    /// file does not have one, or the two counts differ.
    /// </exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxRows"/> is negative.</exception>
    public static MnistDataset Load(string imagesPath, string labelsPath, int? maxRows = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(imagesPath);
        ArgumentException.ThrowIfNullOrEmpty(labelsPath);
        if (maxRows is int m)
            ArgumentOutOfRangeException.ThrowIfNegative(m, nameof(maxRows));

        using IdxReader images = IdxReader.Open(imagesPath);
        using IdxReader labels = IdxReader.Open(labelsPath);
        IdxHeader ih = images.Header, lh = labels.Header;

        if (ih.Dimensions.Count != 3)
            throw new InvalidDataException($"IDX file '{imagesPath}': dimension mismatch: an images file has 3 dimensions (count, rows, columns) but this one is {ih}.");
        if (lh.Dimensions.Count != 1)
            throw new InvalidDataException($"IDX file '{labelsPath}': dimension mismatch: a labels file has 1 dimension (count) but this one is {lh}.");
        if (ih.ItemCount != lh.ItemCount)
            throw new InvalidDataException($"IDX files '{imagesPath}' and '{labelsPath}': the label count {lh.ItemCount} differs from the image count {ih.ItemCount}.");

        int rows = Math.Min(ih.ItemCount, maxRows ?? int.MaxValue);
        int height = ih.Dimensions[1], width = ih.Dimensions[2];
        long pixels = (long)rows * height * width;
        if (pixels > Array.MaxLength)
            throw new InvalidDataException($"IDX file '{imagesPath}': {ih} has more pixels than one array can hold; pass a smaller maxRows.");

        var features = new float[pixels];
        int featureCount = height * width;
        if (ih.DataType == IdxDataType.UnsignedByte)
        {
            // A 256-entry table gives exactly pixel / 255f (a multiply by 1/255f can be one ulp off)
            // and converts and scales in one pass over the bytes.
            Span<float> scaled = stackalloc float[256];
            for (int v = 0; v < 256; v++)
                scaled[v] = v / 255f;
            byte[] bytes = ArrayPool<byte>.Shared.Rent(RowsPerBlock * featureCount);
            try
            {
                for (int start = 0; start < rows; start += RowsPerBlock)
                {
                    int n = Math.Min(RowsPerBlock, rows - start) * featureCount;
                    Span<byte> src = bytes.AsSpan(0, n);
                    images.ReadBytes(src);
                    Span<float> dst = features.AsSpan(start * featureCount, n);
                    for (int i = 0; i < dst.Length; i++)
                        dst[i] = scaled[src[i]];
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(bytes);
            }
        }
        else
        {
            // Other element types are already numbers in their own units: loaded as stored.
            images.ReadSingles(features);
        }

        var labelValues = new float[rows];
        labels.ReadSingles(labelValues);
        return new MnistDataset(features, labelValues, height, width);
    }

    /// <summary>
    /// Exposes the data set as an <see cref="IDataView"/> with two columns:
    /// <c>Features</c>, a fixed-size vector of <see cref="FeatureCount"/> <see cref="float"/>
    /// values, and <c>Label</c>, a <see cref="float"/>.
    /// </summary>
    /// <remarks>The view shares this object's arrays (no copy), can be shuffled and knows its row count.</remarks>
    /// <returns>A view over the data set.</returns>
    public IDataView ToDataView() => new MnistDataView(_features, _labels, FeatureCount);
}
