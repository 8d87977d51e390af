using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.ObjectPool;
using Microsoft.ML;

namespace MLNet.Mlp.Serving;

/// <summary>
/// The serving sample: loads the model once (<see cref="ServingModel.LoadOrTrain"/>), then answers
/// <c>POST /predict</c> with pooled prediction engines and <c>GET /health</c>.
/// </summary>
public static class ServingApp
{
    /// <summary>
    /// Builds the server from command-line style arguments (<c>--urls</c>, <c>--Model:Path</c>, <c>--Serving:PoolSize</c>,
    /// any ASP.NET Core setting). The model is loaded (or trained) here, before the server listens, so a server that
    /// answers at all answers with the model.
    /// </summary>
    public static WebApplication Build(string[] args)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            // Set explicitly so that hosting the server inside another process (tests, the load benchmark) behaves the
            // same as running it: the application is this assembly, not the host's.
            ApplicationName = typeof(ServingApp).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
        });
        // ASP.NET Core's per-request log lines at Information would cost more than a prediction.
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);

        var options = ServingOptions.From(builder.Configuration);
        using (var loggerFactory = LoggerFactory.Create(logging => logging.AddConfiguration(builder.Configuration.GetSection("Logging")).AddConsole()))
        {
            var model = ServingModel.LoadOrTrain(options, loggerFactory.CreateLogger(typeof(ServingApp)));
            // Registered through a factory so the container disposes the model when the server stops (after the pool,
            // which it created later, so the pool's engines go first).
            builder.Services.AddSingleton(_ => model);
        }
        // With UseStatusCodePages below, requests ASP.NET Core itself rejects (malformed JSON) get a problem-details
        // body like the server's own 400s instead of an empty one.
        builder.Services.AddProblemDetails();
        builder.Services.AddSingleton<PredictionEnginePolicy>();
        // For a disposable type DefaultObjectPoolProvider makes a pool that disposes the engines it does not retain
        // and, when the server stops, the ones it holds; the policy's engines do not own the model, so that is safe.
        builder.Services.AddSingleton(services => new DefaultObjectPoolProvider { MaximumRetained = options.PoolSize }
            .Create(services.GetRequiredService<PredictionEnginePolicy>()));

        var app = builder.Build();
        app.UseStatusCodePages();
        app.MapPost("/predict", Predict);
        app.MapGet("/health", Health);
        return app;
    }

    /// <summary>The address the started server listens on (the real port when it was asked for port 0).</summary>
    public static Uri BoundAddress(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        // After StartAsync, Urls holds the addresses Kestrel actually bound.
        return new Uri(app.Urls.First());
    }

    private static IResult Predict(PredictRequest? request, ServingModel model, ObjectPool<PredictionEngine<ModelInput, ModelOutput>> pool)
    {
        if (request?.Features is not { } features)
            return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Missing features",
                detail: $"The body must be a JSON object {{\"features\": [...]}} with {model.FeatureCount} numbers.");
        if (features.Length != model.FeatureCount)
            return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Wrong number of features",
                detail: $"The model takes {model.FeatureCount} feature values; the request has {features.Length}.");

        var engine = pool.Get();
        // An engine whose Predict threw is not returned: the pool makes a fresh one for the next request.
        var output = engine.Predict(new ModelInput { Features = features });
        pool.Return(engine);
        return Results.Ok(new PredictResponse(output.PredictedLabel, output.Probability, output.Score));
    }

    // Healthy means a pooled engine scores a row: a model whose ONNX Runtime session had been ended fails here.
    private static IResult Health(ServingModel model, ObjectPool<PredictionEngine<ModelInput, ModelOutput>> pool, PredictionEnginePolicy policy)
    {
        ModelOutput output;
        try
        {
            var engine = pool.Get();
            output = engine.Predict(new ModelInput { Features = new float[model.FeatureCount] });
            pool.Return(engine);
        }
        catch (Exception e) when (e is InvalidOperationException or NullReferenceException or ObjectDisposedException)
        {
            return Results.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "The model cannot score", detail: e.Message);
        }
        return float.IsFinite(output.Score)
            ? Results.Ok(new HealthResponse("ok", model.FeatureCount, policy.Created))
            : Results.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "The model returned a non-finite score");
    }
}
