using MLNet.Mlp.Samples;

// Sub-commands; the default is the quickstart on the embedded MNIST subset.
const string Usage = """
    Usage: dotnet run -c Release --project samples/MLNet.Mlp.Samples -- [command] [options]

    Commands:
      quickstart [epochs] [dir]   the README's first command: MNIST subset, default options, evaluate, save, reload (default)
      tutorial                    the classic Keras MNIST example: 784-128-10, SGD lr 0.01, batch 20; writes loss.png
      optimizers                  the same network with SGD, momentum, Nesterov, RMSProp, Adagrad, Adam, AdamW;
                                  writes optimizers-loss.png, optimizers-accuracy.png and prints a table
      schedules                   constant, step, exponential, inverse-time, cosine with warm-up; writes
                                  schedules-lr.png and (unless --no-train) schedules-loss.png
      binary                      breast-cancer.csv (shipped): MLP binary classifier, ML.NET binary metrics; binary-loss.png
      regression                  diabetes.csv (shipped): MLP regression, ML.NET regression metrics;
                                  regression-loss.png, regression-predictions.png
      text                        FeaturizeText + MLP next to SDCA on SpamAssassin (spam/ham) and ten fortune categories;
                                  fetch the data first with bash samples/get-text-data.sh; --set spam|fortunes|both

    Options (tutorial, optimizers, schedules):
      --data subset|mnist|fashion default mnist for tutorial and optimizers (fetch it first with
                                  bash samples/get-data.sh), subset for schedules
      --train-rows N              use only the first N training images
    Options (all but quickstart):
      --epochs N                  passes over the data (defaults: 10; binary 60, regression 60)
      --out DIR                   where the PNG files go (default: the current folder)
      --threads N                 cores to use (default: all)
      --seed N                    seed of initialization and shuffling (default 0)
      --no-train                  schedules only: plot the learning-rate curves without training
    """;

string command = args.Length > 0 ? args[0] : "quickstart";
string[] rest = args.Length > 1 ? args[1..] : [];
if (command is "quickstart") return Quickstart.Run(rest);
if (command is "help" or "--help" or "-h") { Console.WriteLine(Usage); return 0; }

try
{
    var options = SampleArgs.Parse(rest);
    if (options.Has("--help")) { Console.WriteLine(Usage); return 0; }
    switch (command)
    {
        case "tutorial": return Tutorial.Command(options);
        case "optimizers": return OptimizerComparison.Command(options);
        case "schedules": return ScheduleComparison.Command(options);
        case "binary": return BinarySample.Command(options);
        case "regression": return RegressionSample.Command(options);
        case "text": return TextSample.Command(options);
        default:
            Console.Error.WriteLine($"Unknown command '{command}'.");
            Console.Error.WriteLine(Usage);
            return 2;
    }
}
catch (ArgumentException e)
{
    Console.Error.WriteLine(e.Message);
    Console.Error.WriteLine(Usage);
    return 2;
}
catch (FileNotFoundException e)
{
    Console.Error.WriteLine(e.Message);
    return 3;
}
catch (DirectoryNotFoundException e)
{
    // The full data sets are not in the repository: say exactly what to run.
    Console.Error.WriteLine(e.Message);
    return 3;
}
