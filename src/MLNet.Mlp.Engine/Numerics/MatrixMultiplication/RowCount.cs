namespace MLNet.Mlp.Numerics.MatrixMultiplication;

/// <summary>Compile-time row count for the generic micro-kernels.</summary>
internal interface IRowCount
{
    /// <summary>Number of output rows the kernel instance computes.</summary>
    static abstract int Value { get; }
}

/// <summary>1 row.</summary>
internal struct Rows1 : IRowCount { public static int Value => 1; }
/// <summary>2 rows.</summary>
internal struct Rows2 : IRowCount { public static int Value => 2; }
/// <summary>3 rows.</summary>
internal struct Rows3 : IRowCount { public static int Value => 3; }
/// <summary>4 rows.</summary>
internal struct Rows4 : IRowCount { public static int Value => 4; }
/// <summary>5 rows.</summary>
internal struct Rows5 : IRowCount { public static int Value => 5; }
/// <summary>6 rows.</summary>
internal struct Rows6 : IRowCount { public static int Value => 6; }
/// <summary>7 rows.</summary>
internal struct Rows7 : IRowCount { public static int Value => 7; }
/// <summary>8 rows.</summary>
internal struct Rows8 : IRowCount { public static int Value => 8; }
/// <summary>9 rows.</summary>
internal struct Rows9 : IRowCount { public static int Value => 9; }
/// <summary>10 rows.</summary>
internal struct Rows10 : IRowCount { public static int Value => 10; }
/// <summary>11 rows.</summary>
internal struct Rows11 : IRowCount { public static int Value => 11; }
/// <summary>12 rows.</summary>
internal struct Rows12 : IRowCount { public static int Value => 12; }
