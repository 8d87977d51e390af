using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using MLNet.Mlp.Serving;
using MLNet.Mlp.Tests.Serving;
using static MLNet.Mlp.Benchmarks.BenchEnvironment;

namespace MLNet.Mlp.Benchmarks;

/// <summary>
/// The serving sample under load over real HTTP: the server runs in this process on 127.0.0.1 (ephemeral port),
/// concurrent clients post the rows of breast-cancer.csv, and every answer is compared with the prediction of an engine
/// made directly from the server's loaded model.
/// </summary>
internal static class ServeLoadBenchmark
{
    /// <summary>
    /// <c>serve-load [--clients 16] [--requests 5000] [--warmup 200] [--model PATH] [--pool N] [--time-limit 300]</c>:
    /// requests are per client; without --model the server trains the breast-cancer model into a temporary file.
    /// Returns 0 only if every request was answered, without error, with the offline prediction.
    /// </summary>
    public static int Run(string[] args) => RunAsync(args).GetAwaiter().GetResult();

    private static async Task<int> RunAsync(string[] args)
    {
        int clients = IntOption(args, "--clients", 16);
        int requests = IntOption(args, "--requests", 5000);
        int warmup = IntOption(args, "--warmup", 200);
        var timeLimit = TimeSpan.FromSeconds(IntOption(args, "--time-limit", 300));
        string? modelPath = StringOption(args, "--model");
        string? temporary = modelPath == null ? Path.Combine(Path.GetTempPath(), $"mlnet-mlp-serve-{Guid.NewGuid():N}.zip") : null;
        List<string> settings = [$"--Model:Path={modelPath ?? temporary}"];
        if (StringOption(args, "--pool") is { } pool) settings.Add($"--Serving:PoolSize={pool}");

        try
        {
            Console.WriteLine(modelPath == null ? "Starting the server (training the breast-cancer model first) ..." : $"Starting the server on {modelPath} ...");
            await using var app = await ServingLoad.StartAsync([.. settings]);
            var address = ServingApp.BoundAddress(app);
            await WaitForHealthAsync(address);
            Console.WriteLine($"Listening on {address}; /health answers.");

            var served = app.Services.GetRequiredService<ServingModel>();
            var rows = BreastCancerModel.ReadFeatureRows(Path.Combine(AppContext.BaseDirectory, "data", "tabular", "breast-cancer.csv"));
            var expected = ServingLoad.Offline(served, rows);

            if (warmup > 0)
            {
                var warm = await ServingLoad.RunAsync(address, rows, expected, clients, warmup, timeLimit);
                Console.WriteLine($"Warm-up: {clients} clients x {warmup} requests, {warm.Errors} errors, {warm.Mismatches} mismatches, {F(warm.RequestsPerSecond, "F0")} requests/s.");
            }
            var result = await ServingLoad.RunAsync(address, rows, expected, clients, requests, timeLimit);
            int engines = app.Services.GetRequiredService<PredictionEnginePolicy>().Created;

            Console.WriteLine();
            Console.WriteLine($"{DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {CpuModel()}, {Environment.ProcessorCount} cores, .NET {Environment.Version}, ML.NET {MlNetVersion()}");
            Console.WriteLine($"{clients} concurrent clients x {requests} requests = {result.Planned} POST /predict over HTTP/1.1 to {address}");
            Console.WriteLine($"  answered        {result.Completed} of {result.Planned}");
            Console.WriteLine($"  errors          {result.Errors}");
            Console.WriteLine($"  mismatches      {result.Mismatches} (answers that differ from the offline PredictionEngine on the same model)");
            Console.WriteLine($"  throughput      {F(result.RequestsPerSecond, "F0")} requests/s ({F(result.Elapsed.TotalSeconds, "F2")} s)");
            Console.WriteLine($"  latency         p50 {F(result.P50Milliseconds, "F3")} ms, p99 {F(result.P99Milliseconds, "F3")} ms");
            Console.WriteLine($"  engines created {engines}");
            if (result.FirstProblem != null) Console.WriteLine($"  first problem   {result.FirstProblem}");
            EmitResult(new
            {
                clients, requests, result.Planned, result.Completed, result.Errors, result.Mismatches,
                result.RequestsPerSecond, result.P50Milliseconds, result.P99Milliseconds, engines,
            });
            return result.Errors == 0 && result.Mismatches == 0 && result.Completed == result.Planned ? 0 : 1;
        }
        finally
        {
            if (temporary != null) File.Delete(temporary);
        }
    }

    // The server is started (and the model loaded) before StartAsync returns; polling /health also proves the pooled
    // engines score.
    private static async Task WaitForHealthAsync(Uri address)
    {
        using var http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(5) };
        for (int attempt = 0; ; attempt++)
        {
            try
            {
                var health = await http.GetFromJsonAsync<HealthResponse>("health");
                if (health?.Status == "ok") return;
            }
            catch (HttpRequestException) when (attempt < 50) { }
            if (attempt >= 50) throw new TimeoutException($"{address}health did not answer ok.");
            await Task.Delay(100);
        }
    }
}
