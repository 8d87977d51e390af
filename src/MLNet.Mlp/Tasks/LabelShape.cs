namespace MLNet.Mlp.Tasks;

/// <summary>What a label column gives the network, known from its type before any row is read.</summary>
/// <param name="TargetWidth">Target values per row: 1 for classes (stored as an index), the label width for regression.</param>
/// <param name="OutputCount">The network's outputs: the class count for multiclass, 1 for binary, the label width for regression.</param>
/// <param name="ClassCount">Classes a classification label has (2 for binary); 0 for regression.</param>
internal sealed record LabelShape(int TargetWidth, int OutputCount, int ClassCount);
