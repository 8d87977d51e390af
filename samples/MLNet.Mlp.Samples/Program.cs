using MLNet.Mlp.Samples;

// Sub-commands; the default is the quickstart on the embedded MNIST subset.
string command = args.Length > 0 ? args[0] : "quickstart";
string[] rest = args.Length > 1 ? args[1..] : [];
switch (command)
{
    case "quickstart":
        return Quickstart.Run(rest);
    default:
        Console.Error.WriteLine($"Unknown command '{command}'. Commands: quickstart.");
        return 2;
}
