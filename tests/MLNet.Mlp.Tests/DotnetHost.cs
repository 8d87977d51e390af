namespace MLNet.Mlp.Tests;

/// <summary>The <c>dotnet</c> executable that child processes of the tests run under.</summary>
internal static class DotnetHost
{
    /// <summary>The SDK's host for test runs (DOTNET_HOST_PATH), else the test host's own, else <c>dotnet</c> from PATH.</summary>
    public static string Path
    {
        get
        {
            string? host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
            if (!string.IsNullOrEmpty(host) && File.Exists(host))
                return host;
            string? current = Environment.ProcessPath;
            if (current is not null && System.IO.Path.GetFileNameWithoutExtension(current) == "dotnet")
                return current;
            return "dotnet";
        }
    }
}
