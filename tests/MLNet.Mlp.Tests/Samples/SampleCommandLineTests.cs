using MLNet.Mlp.Samples;

namespace MLNet.Mlp.Tests.Samples;

public class SampleCommandLineTests
{
    [Fact]
    public void Options_are_parsed_and_defaults_apply()
    {
        var args = SampleArgs.Parse(["--data", "subset", "--epochs", "3", "--out", "/tmp/x", "--no-train"]);
        Assert.Equal(MnistChoice.Subset, args.Data(MnistChoice.Mnist));
        Assert.Equal(3, args.GetInt("--epochs"));
        Assert.Equal("/tmp/x", args.OutputDirectory);
        Assert.True(args.Has("--no-train"));

        var empty = SampleArgs.Parse([]);
        Assert.Equal(MnistChoice.Mnist, empty.Data(MnistChoice.Mnist));
        Assert.Null(empty.GetInt("--epochs"));
        Assert.Equal(MnistChoice.Fashion, SampleArgs.Parse(["--data", "fashion"]).Data(MnistChoice.Mnist));
    }

    [Theory]
    [InlineData("--bogus")]
    [InlineData("--epochs")]
    [InlineData("--epochs", "zero")]
    [InlineData("--epochs", "0")]
    public void Bad_options_are_rejected(params string[] args)
    {
        var e = Record.Exception(() => SampleArgs.Parse(args).GetInt("--epochs"));
        Assert.IsType<ArgumentException>(e);
    }

    [Fact]
    public void Unknown_data_set_is_rejected()
        => Assert.Throws<ArgumentException>(() => SampleArgs.Parse(["--data", "cifar"]).Data(MnistChoice.Mnist));

    [Fact]
    public void A_missing_full_data_set_says_what_to_run()
    {
        var e = Assert.Throws<DirectoryNotFoundException>(() => SampleData.RequireFull("no-such-set"));
        Assert.Contains("bash samples/get-data.sh", e.Message);
    }
}
