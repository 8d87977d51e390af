using Microsoft.ML;
using Microsoft.ML.Runtime;
using MLNet.Mlp.Trainers;

namespace MLNet.Mlp.Fitting;

/// <summary>
/// What one <c>Fit</c> takes from ML.NET's environment, as ML.NET's own trainers take it: a host registered on the
/// context (its channel writes to <c>mlContext.Log</c>), a seed drawn from the host when the options set none, and the
/// context's <c>CancelExecution</c> joined to the options' cancellation token.
/// </summary>
/// <remarks>
/// ML.NET signals cancellation by setting a flag on its hosts, with no callback, so the flag is polled while the fit
/// runs and turned into the token the engine checks before every batch.
/// </remarks>
internal sealed class FitEnvironment : IDisposable
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);

    private readonly IHost? _host;
    private readonly CancellationTokenSource? _cancellation;
    private readonly Timer? _poll;
    private readonly Lock _gate = new();
    private bool _disposed;

    private FitEnvironment(MlpOptionsBase options, IHostEnvironment? environment)
    {
        _host = environment?.Register("Mlp");
        var token = options.CancellationToken;
        if (_host != null)
        {
            _cancellation = CancellationTokenSource.CreateLinkedTokenSource(token);
            token = _cancellation.Token;
            if (MlNetInternals.IsCanceled(_host)) _cancellation.Cancel();
            else _poll = new Timer(_ => Poll(), null, PollInterval, PollInterval);
        }
        Options = options.ForFit(options.Seed ?? _host?.Rand.Next(), token);
    }

    /// <summary>The host of this fit on the context, or null without a context.</summary>
    public IHost? Host => _host;

    /// <summary>The options as this fit uses them: a copy with the seed and the joined cancellation token filled in.</summary>
    public MlpOptionsBase Options { get; }

    /// <summary>Starts a fit with <paramref name="options"/>; its context is <see cref="MlpOptionsBase.Context"/> when
    /// set, else <paramref name="catalogEnvironment"/> (the one behind the catalog that created the trainer).</summary>
    public static FitEnvironment Start(MlpOptionsBase options, IHostEnvironment? catalogEnvironment)
        => new(options, options.Context ?? catalogEnvironment);

    /// <summary>Stops polling the context.</summary>
    public void Dispose()
    {
        lock (_gate) _disposed = true;
        _poll?.Dispose();
        _cancellation?.Dispose();
    }

    private void Poll()
    {
        lock (_gate)
        {
            // Cancel runs the token's callbacks here, on the timer's thread; after Dispose the source is gone.
            if (!_disposed && MlNetInternals.IsCanceled(_host!)) _cancellation!.Cancel();
        }
    }
}
