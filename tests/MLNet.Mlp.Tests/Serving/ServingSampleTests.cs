using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.ObjectPool;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Mlp.Serving;

namespace MLNet.Mlp.Tests.Serving;

/// <summary>The breast-cancer model trained once (a short run) and saved, shared by the serving tests.</summary>
public sealed class ServingModelFile : IDisposable
{
    private readonly TempFile _file = new(".zip");

    public ServingModelFile()
    {
        BreastCancerModel.TrainAndSave(new MLContext(seed: 0), CsvPath, epochs: 10, _file.Path);
        Rows = BreastCancerModel.ReadFeatureRows(CsvPath);
    }

    public static string CsvPath => System.IO.Path.Combine(TestData.Root, "tabular", "breast-cancer.csv");

    public string Path => _file.Path;

    /// <summary>The 569 feature rows of breast-cancer.csv.</summary>
    internal float[][] Rows { get; }

    public void Dispose() => _file.Dispose();
}

/// <summary>
/// The serving sample (samples/MLNet.Mlp.Serving) on real Kestrel at 127.0.0.1 on an ephemeral port, driven over HTTP:
/// concurrent clients get exactly the offline prediction, bad input gets a 400, and engines the pool disposes do not
/// take the shared model with them.
/// </summary>
public sealed class ServingSampleTests(ServingModelFile model) : IClassFixture<ServingModelFile>
{
    private static readonly TimeSpan TimeLimit = TimeSpan.FromSeconds(45);

    private static ServingModel Served(WebApplication app) => app.Services.GetRequiredService<ServingModel>();

    [Fact]
    public async Task EightConcurrentClientsGetExactlyTheOfflinePredictionForEveryRequest()
    {
        await using var app = await ServingLoad.StartAsync($"--Model:Path={model.Path}");
        var address = ServingApp.BoundAddress(app);
        Assert.Equal("127.0.0.1", address.Host);
        Assert.NotEqual(0, address.Port);
        var expected = ServingLoad.Offline(Served(app), model.Rows);

        var result = await ServingLoad.RunAsync(address, model.Rows, expected, clients: 8, requestsPerClient: 250, TimeLimit);

        Assert.Null(result.FirstProblem);
        Assert.Equal(0, result.Errors);
        Assert.Equal(2000, result.Completed);
        Assert.Equal(0, result.Mismatches);
        // Both classes occur among the answers, so equal answers are not equal by being constant.
        Assert.Contains(expected, p => p.PredictedLabel);
        Assert.Contains(expected, p => !p.PredictedLabel);
    }

    [Fact]
    public async Task WrongFeatureCountMissingFeaturesAndBrokenJsonAreRejectedWith400()
    {
        await using var app = await ServingLoad.StartAsync($"--Model:Path={model.Path}");
        using var http = new HttpClient { BaseAddress = ServingApp.BoundAddress(app) };

        using var tooFew = await http.PostAsJsonAsync("predict", new PredictRequest(new float[29]));
        Assert.Equal(HttpStatusCode.BadRequest, tooFew.StatusCode);
        var problem = await tooFew.Content.ReadFromJsonAsync<ProblemDetails>();
        Assert.Equal("The model takes 30 feature values; the request has 29.", problem?.Detail);

        using var tooMany = await http.PostAsJsonAsync("predict", new PredictRequest(new float[31]));
        Assert.Equal(HttpStatusCode.BadRequest, tooMany.StatusCode);

        using var missing = await http.PostAsJsonAsync("predict", new { });
        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
        Assert.Contains("30 numbers", (await missing.Content.ReadFromJsonAsync<ProblemDetails>())?.Detail, StringComparison.Ordinal);

        using var broken = await http.PostAsync("predict", new StringContent("{\"features\": [1, 2", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, broken.StatusCode);
        Assert.Equal("application/problem+json", broken.Content.Headers.ContentType?.MediaType);

        // Rejected requests leave the server serving.
        using var ok = await http.PostAsJsonAsync("predict", new PredictRequest(model.Rows[0]));
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        var health = await http.GetFromJsonAsync<HealthResponse>("health");
        Assert.Equal(new HealthResponse("ok", 30, health!.EnginesCreated), health);
    }

    [Fact]
    public async Task EnginesThePoolDisposesLeaveTheSharedModelServing()
    {
        // A pool that keeps one engine: four engines taken and returned at once, three disposed on return; then eight
        // concurrent clients keep it creating engines and disposing the surplus.
        await using var app = await ServingLoad.StartAsync($"--Model:Path={model.Path}", "--Serving:PoolSize=1");
        var pool = app.Services.GetRequiredService<ObjectPool<PredictionEngine<ModelInput, ModelOutput>>>();
        var policy = app.Services.GetRequiredService<PredictionEnginePolicy>();
        var taken = Enumerable.Range(0, 4).Select(_ => pool.Get()).ToArray();
        foreach (var engine in taken) pool.Return(engine);
        Assert.Equal(4, policy.Created);
        var expected = ServingLoad.Offline(Served(app), model.Rows);

        var result = await ServingLoad.RunAsync(ServingApp.BoundAddress(app), model.Rows, expected, clients: 8, requestsPerClient: 100, TimeLimit);

        Assert.Null(result.FirstProblem);
        Assert.Equal(800, result.Completed);
        Assert.Equal(0, result.Mismatches);
        using var http = new HttpClient { BaseAddress = ServingApp.BoundAddress(app) };
        Assert.Equal("ok", (await http.GetFromJsonAsync<HealthResponse>("health"))?.Status);
    }

    [Fact]
    public void AStockLoadedModelStopsScoringOnceAPoolDisposesAnEngineThatOwnsIt()
    {
        // The pitfall the server's policy avoids (dotnet/machinelearning#5945): the same pool, but engines created
        // with ML.NET's default options, which own the model. If this ever passes without throwing, ML.NET has
        // changed and the OwnsTransformer = false in ServingModel.CreateEngine is no longer needed.
        var ml = new MLContext(seed: 0);
        var loaded = ml.Model.Load(model.Path, out _);
        var input = SchemaDefinition.Create(typeof(ModelInput));
        input[nameof(ModelInput.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, 30);
        var pool = new DefaultObjectPoolProvider { MaximumRetained = 1 }.Create(new OwningPolicy(ml, loaded, input));
        var first = pool.Get();
        var second = pool.Get();
        Assert.True(first.Predict(new ModelInput { Features = model.Rows[0] }).Probability > 0.5f);
        pool.Return(first);
        pool.Return(second);   // the pool is full: it disposes this engine, and the engine disposes the model

        Assert.ThrowsAny<Exception>(() => pool.Get().Predict(new ModelInput { Features = model.Rows[0] }));
    }

    private sealed class OwningPolicy(MLContext ml, ITransformer model, SchemaDefinition input) : PooledObjectPolicy<PredictionEngine<ModelInput, ModelOutput>>
    {
        public override PredictionEngine<ModelInput, ModelOutput> Create()
            => ml.Model.CreatePredictionEngine<ModelInput, ModelOutput>(model, new PredictionEngineOptions { InputSchemaDefinition = input });

        public override bool Return(PredictionEngine<ModelInput, ModelOutput> obj) => true;
    }
}
