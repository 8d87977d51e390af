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
/// runs and turned into the token the engine checks before every batch. The poll has a thread of its own: a thread-pool
/// timer can wait seconds for a thread when the pool is busy (other fits, parallel work), and cancellation would lag.
/// </remarks>
internal sealed class FitEnvironment : IDisposable
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);

    private readonly IHost? _host;
    private readonly CancellationTokenSource? _cancellation;
    private readonly ManualResetEventSlim? _stop;

    private FitEnvironment(MlpOptionsBase options, IHostEnvironment? environment)
    {
        _host = environment?.Register("Mlp");
        var token = options.CancellationToken;
        if (_host != null)
        {
            _cancellation = CancellationTokenSource.CreateLinkedTokenSource(token);
            token = _cancellation.Token;
        }
        Options = options.ForFit(options.Seed ?? _host?.Rand.Next(), token);
        if (_host is null) return;
        if (MlNetInternals.IsCanceled(_host)) _cancellation!.Cancel();
        else
        {
            _stop = new ManualResetEventSlim();
            new Thread(Poll) { IsBackground = true, Name = "Mlp: polls the MLContext's CancelExecution" }.Start();
        }
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
        // The poll owns the token source from here: it disposes it once it has seen the stop, so a cancellation it is
        // making never meets a disposed source.
        if (_stop != null) _stop.Set();
        else _cancellation?.Dispose();
    }

    private void Poll()
    {
        while (!_stop!.Wait(PollInterval))
        {
            if (!MlNetInternals.IsCanceled(_host!)) continue;
            // Cancel runs the token's callbacks here, on the poll's thread.
            _cancellation!.Cancel();
            break;
        }
        _stop.Wait();
        _stop.Dispose();
        _cancellation!.Dispose();
    }
}
