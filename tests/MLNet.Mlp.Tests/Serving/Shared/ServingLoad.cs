using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using MLNet.Mlp.Serving;

namespace MLNet.Mlp.Tests.Serving;

/// <summary>What a load run saw: requests planned and answered, failures, answers that differ from the offline prediction, speed.</summary>
internal sealed record ServingLoadResult(
    int Planned, int Completed, int Errors, int Mismatches, TimeSpan Elapsed, double P50Milliseconds, double P99Milliseconds, string? FirstProblem)
{
    public double RequestsPerSecond => Completed / Elapsed.TotalSeconds;
}

/// <summary>
/// Starts the serving sample in process on 127.0.0.1 and drives it with concurrent HTTP clients, checking every answer
/// against the prediction of an engine made directly from the server's own loaded model. Shared by the serving tests
/// and the benchmark console's <c>serve-load</c> command (this file is linked into both projects).
/// </summary>
internal static class ServingLoad
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    /// <summary>Builds and starts the server on an ephemeral loopback port; <paramref name="settings"/> are extra arguments (<c>--Model:Path=…</c>).</summary>
    public static async Task<WebApplication> StartAsync(params string[] settings)
    {
        var app = ServingApp.Build(["--urls=http://127.0.0.1:0", "--Logging:LogLevel:Default=Warning", .. settings]);
        await app.StartAsync();
        return app;
    }

    /// <summary>The offline answers: one engine created directly from the served model, one row at a time.</summary>
    public static PredictResponse[] Offline(ServingModel model, float[][] rows)
    {
        // Not owning the model, this engine can be disposed while the server keeps using the model.
        using var engine = model.CreateEngine();
        return rows.Select(r => engine.Predict(new ModelInput { Features = r }))
            .Select(o => new PredictResponse(o.PredictedLabel, o.Probability, o.Score)).ToArray();
    }

    /// <summary>
    /// <paramref name="clients"/> concurrent clients each send <paramref name="requestsPerClient"/> requests, one after
    /// another, cycling through <paramref name="rows"/>; stops at <paramref name="timeLimit"/> whatever is left.
    /// </summary>
    public static async Task<ServingLoadResult> RunAsync(
        Uri baseAddress, float[][] rows, PredictResponse[] expected, int clients, int requestsPerClient, TimeSpan timeLimit)
    {
        var bodies = rows.Select(r => JsonSerializer.SerializeToUtf8Bytes(new PredictRequest(r), Web)).ToArray();
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = clients }) { BaseAddress = baseAddress };
        using var stop = new CancellationTokenSource(timeLimit);
        var latencies = new double[clients][];
        int completed = 0, errors = 0, mismatches = 0;
        string? firstProblem = null;
        void Problem(string text) => Interlocked.CompareExchange(ref firstProblem, text, null);

        var started = Stopwatch.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(c => Task.Run(async () =>
        {
            var own = new List<double>(requestsPerClient);
            for (int i = 0; i < requestsPerClient && !stop.IsCancellationRequested; i++)
            {
                int row = ((c * requestsPerClient) + i) % rows.Length;
                long start = Stopwatch.GetTimestamp();
                try
                {
                    using var content = new ByteArrayContent(bodies[row]);
                    content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                    using var response = await http.PostAsync(new Uri("predict", UriKind.Relative), content, stop.Token);
                    if (!response.IsSuccessStatusCode)
                    {
                        Interlocked.Increment(ref errors);
                        Problem($"row {row}: HTTP {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(stop.Token)}");
                        continue;
                    }
                    var answer = await response.Content.ReadFromJsonAsync<PredictResponse>(Web, stop.Token);
                    own.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                    Interlocked.Increment(ref completed);
                    if (answer != expected[row])
                    {
                        Interlocked.Increment(ref mismatches);
                        Problem($"row {row}: served {answer}, offline {expected[row]}");
                    }
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    break;
                }
                catch (Exception e) when (e is HttpRequestException or JsonException or OperationCanceledException)
                {
                    Interlocked.Increment(ref errors);
                    Problem($"row {row}: {e.GetType().Name}: {e.Message}");
                }
            }
            latencies[c] = [.. own];
        })));
        var elapsed = Stopwatch.GetElapsedTime(started);

        var all = latencies.SelectMany(l => l).Order().ToArray();
        return new ServingLoadResult(clients * requestsPerClient, completed, errors, mismatches, elapsed,
            Percentile(all, 0.50), Percentile(all, 0.99), firstProblem);
    }

    private static double Percentile(double[] sorted, double p)
        => sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
}
