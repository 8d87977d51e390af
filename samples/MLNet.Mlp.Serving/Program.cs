using MLNet.Mlp.Serving;

// dotnet run -c Release --project samples/MLNet.Mlp.Serving -- [--urls http://127.0.0.1:5000] [--Model:Path model.zip]
await using var app = ServingApp.Build(args);
await app.RunAsync();
