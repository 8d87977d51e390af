using System.Runtime.Intrinsics.X86;

namespace MLNet.Mlp.Benchmarks;

/// <summary>
/// One instruction-set setting the benchmark runs under: the environment that makes .NET use it (child processes
/// of <c>all</c>) and the one that holds PyTorch to the same vector width (ATen's kernels, OpenBLAS's core type,
/// oneDNN's ISA cap).
/// </summary>
internal sealed record InstructionSet(string Name, Dictionary<string, string?> DotnetEnvironment, Dictionary<string, string?> TorchEnvironment)
{
    /// <summary>The settings this machine can run, widest first (AVX-512 only where this process has it).</summary>
    public static List<InstructionSet> Available()
    {
        var all = new List<InstructionSet>();
        if (Avx512F.IsSupported)
        {
            all.Add(new("avx512", [], []));
        }

        if (Avx2.IsSupported)
        {
            // .NET 10 ignores DOTNET_EnableAVX512F; DOTNET_EnableAVX512 is the switch.
            all.Add(new("avx2", new() { ["DOTNET_EnableAVX512"] = "0" },
                new() { ["ATEN_CPU_CAPABILITY"] = "avx2", ["OPENBLAS_CORETYPE"] = "Haswell", ["DNNL_MAX_CPU_ISA"] = "AVX2" }));
        }

        // DOTNET_EnableAVX2=0 also turns FMA off: the 128-bit kernels multiply, then add.
        all.Add(new("v128", new() { ["DOTNET_EnableAVX2"] = "0" },
            new() { ["ATEN_CPU_CAPABILITY"] = "default", ["OPENBLAS_CORETYPE"] = "Nehalem", ["DNNL_MAX_CPU_ISA"] = "SSE41" }));
        return all;
    }

    /// <summary>The settings named in a comma-separated list (all available ones when null).</summary>
    public static List<InstructionSet> Select(string? names)
    {
        var available = Available();
        if (names == null)
        {
            return available;
        }

        return names.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(n => available.FirstOrDefault(i => string.Equals(i.Name, n, StringComparison.OrdinalIgnoreCase))
                ?? throw new ArgumentException($"Instruction set '{n}' is not available here; expected one of {string.Join(", ", available.Select(i => i.Name))}."))
            .ToList();
    }

    /// <summary>The training-time ratio to PyTorch the issue asks for on this instruction set, per workload.</summary>
    public string TargetRatio(string workload) => (workload, Name) switch
    {
        ("W1", _) => "≤ 0.33",
        ("W2", _) => "≤ 0.40",
        ("W3", "avx512") => "≤ 0.60",
        ("W3", "avx2") => "≤ 0.75",
        _ => "–",
    };
}
