using MLNet.Mlp.Samples;
using Xunit.Abstractions;

namespace MLNet.Mlp.Tests.Samples;

public class TutorialSampleTests(ITestOutputHelper testOutput)
{
    [Fact]
    public void Tutorial_on_the_subset_learns_the_digits_and_writes_the_loss_plot()
    {
        using var output = new SampleOutput();
        var log = new StringWriter();

        var result = Tutorial.Run(MnistChoice.Subset, epochs: 3, output.Path, log);

        // SGD lr 0.01, batch 20, 3 × 300 steps on 6,000 images: about 84 % on the 1,000 test images; chance is 10 %,
        // and a trainer that does not update (or updates the wrong way) stays near it.
        Assert.InRange(result.TestAccuracy, 0.80, 1.0);
        Assert.Equal([1, 2, 3], result.History.Select(e => e.Epoch));
        Assert.All(result.History, e => Assert.NotNull(e.ValidationLoss));
        Assert.True(result.History[^1].TrainingLoss < result.History[0].TrainingLoss / 2, "training loss did not fall");
        Assert.True(result.History[^1].ValidationLoss < result.History[0].ValidationLoss, "validation loss did not fall");
        // The validation after the last epoch is the test evaluation: the two must agree.
        Assert.Equal(result.History[^1].ValidationMetric!.Value, result.TestAccuracy, 6);
        Assert.Equal(result.History[^1].ValidationLoss!.Value, result.TestLogLoss, 3);

        Assert.Single(result.Files);
        output.AssertChart(result.Files[0], "loss.png");
        testOutput.WriteLine(log.ToString());
        Assert.Contains("Test accuracy", log.ToString());
    }
}
