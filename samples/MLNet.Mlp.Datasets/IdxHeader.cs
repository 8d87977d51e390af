namespace MLNet.Mlp.Datasets;

/// <summary>
/// The header of an IDX file: its element type and its dimensions, outermost first.
/// </summary>
/// <remarks>
/// The first dimension is the number of items (images, labels); the others give the shape of one
/// item. For the MNIST training images the dimensions are 60000, 28, 28.
/// </remarks>
public sealed class IdxHeader
{
    private readonly int[] _dimensions;

    /// <summary>
    /// Creates a header from an element type and a list of dimensions.
    /// </summary>
    /// <param name="dataType">The element type.</param>
    /// <param name="dimensions">The dimensions, outermost first; at least one, none negative.</param>
    /// <exception cref="ArgumentException">No dimension, or the total element count overflows.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A negative dimension or an undefined type.</exception>
    public IdxHeader(IdxDataType dataType, IReadOnlyList<int> dimensions)
    {
        ArgumentNullException.ThrowIfNull(dimensions);
        if (!Enum.IsDefined(dataType))
            throw new ArgumentOutOfRangeException(nameof(dataType), dataType, "Unknown IDX data type.");
        if (dimensions.Count == 0 || dimensions.Count > byte.MaxValue)
            throw new ArgumentException("An IDX file has between 1 and 255 dimensions.", nameof(dimensions));

        _dimensions = dimensions.ToArray();
        long itemElements = 1;
        try
        {
            // checked: a hostile header could declare an absurd shape; fail here rather than later.
            for (int i = 1; i < _dimensions.Length; i++)
                itemElements = checked(itemElements * NonNegative(_dimensions[i]));
            ElementCount = checked(itemElements * NonNegative(_dimensions[0]));
        }
        catch (OverflowException)
        {
            throw new ArgumentException("The total element count overflows a 64-bit integer.", nameof(dimensions));
        }

        DataType = dataType;
        ItemElementCount = itemElements;
    }

    /// <summary>Gets the element type.</summary>
    public IdxDataType DataType { get; }

    /// <summary>Gets the dimensions, outermost first.</summary>
    public IReadOnlyList<int> Dimensions => _dimensions;

    /// <summary>Gets the number of items, that is the first dimension.</summary>
    public int ItemCount => _dimensions[0];

    /// <summary>Gets the number of elements in one item: the product of all dimensions but the first (1 for a vector).</summary>
    public long ItemElementCount { get; }

    /// <summary>Gets the total number of elements in the file: the product of all dimensions.</summary>
    public long ElementCount { get; }

    /// <summary>Gets the size of one element in bytes.</summary>
    public int ElementSize => GetElementSize(DataType);

    /// <summary>Gets the size of the header in bytes: 4 for the magic number and 4 per dimension.</summary>
    public int HeaderSize => 4 + 4 * _dimensions.Length;

    /// <summary>Gets the size in bytes of the data that follows the header.</summary>
    public long DataSize => ElementCount * ElementSize;

    /// <summary>
    /// Gets the size of one element of the given type in bytes.
    /// </summary>
    /// <param name="dataType">The element type.</param>
    /// <returns>1, 2, 4 or 8.</returns>
    public static int GetElementSize(IdxDataType dataType) => dataType switch
    {
        IdxDataType.UnsignedByte or IdxDataType.SignedByte => 1,
        IdxDataType.Int16 => 2,
        IdxDataType.Int32 or IdxDataType.Single => 4,
        IdxDataType.Double => 8,
        _ => throw new ArgumentOutOfRangeException(nameof(dataType), dataType, "Unknown IDX data type."),
    };

    /// <summary>Returns the type and shape, for example <c>UnsignedByte[60000x28x28]</c>.</summary>
    /// <returns>A short description of the header.</returns>
    public override string ToString() => $"{DataType}[{string.Join("x", _dimensions)}]";

    private static int NonNegative(int value) =>
        value >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "A dimension cannot be negative.");
}
