namespace MLNet.Mlp.Tests;

/// <summary>
/// Tests that measure allocations or timing-sensitive sharing of the matrix kernel's helper thread run alone:
/// another test class multiplying at the same time can legitimately make a call compute every chunk itself and grow
/// its packing buffers once, which an allocation count would misread as a per-call allocation.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SequentialCollection
{
    /// <summary>The collection's name.</summary>
    public const string Name = "Sequential";
}
