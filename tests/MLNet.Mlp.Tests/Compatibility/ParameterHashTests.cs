using Xunit.Abstractions;

namespace MLNet.Mlp.Tests.Compatibility;

/// <summary>
/// The bit-identity guard: every case of <see cref="ParameterHashCases"/> (the MNIST workloads W1–W4 through the ML.NET
/// trainer, the engine with every optimizer, transform, layer, activation, loss, schedule and early stopping, and the
/// binary and regression trainers) trains from a fixed seed, and the hash of its final weights (<see cref="BitHash.OfNetwork"/>)
/// must equal the one recorded below with the code of the golden commit (before the redesign and the ML.NET 6 upgrade).
/// The sums run in a different order for each vector width, so there is one recorded column per instruction set; on an
/// instruction set without a column the test trains twice and requires identical weights, and says so in its output.
/// </summary>
/// <remarks>
/// To record the table again (only when a change of the results is intended and understood), build in Release and run
/// the benchmark console three times, each writing its own column:
/// <code>
/// B=tests/MLNet.Mlp.Benchmarks/bin/Release/net10.0/MLNet.Mlp.Benchmarks.dll
/// F=tests/MLNet.Mlp.Tests/Compatibility/ParameterHashTests.cs
/// dotnet $B hashes --update $F                            # avx512 (on an AVX-512 machine)
/// DOTNET_EnableAVX512=0 dotnet $B hashes --update $F      # avx2 (.NET 10 ignores DOTNET_EnableAVX512F)
/// DOTNET_EnableAVX2=0 dotnet $B hashes --update $F        # v128
/// </code>
/// </remarks>
public class ParameterHashTests(ITestOutputHelper output)
{
    private static readonly CompatibilityData Data = new(TestData.Root);

    public static TheoryData<string> Cases => new(ParameterHashCases.All.Select(c => c.Name));

    [Theory]
    [MemberData(nameof(Cases))]
    public void TrainingReproducesTheRecordedParameterHashOfItsInstructionSet(string name)
    {
        var testCase = ParameterHashCases.Get(name);
        string isa = BitHash.Isa;
        string actual = BitHash.OfNetwork(testCase.Run(Data));
        string? expected = Expected(name, isa);
        if (expected != null)
        {
            Assert.True(expected == actual,
                $"'{name}' trained to parameter hash {actual} under {isa}; the golden commit recorded {expected}. The weights are no longer bit-identical.");
            output.WriteLine($"{isa}: {actual} as recorded.");
        }
        else
        {
            string again = BitHash.OfNetwork(testCase.Run(Data));
            Assert.True(actual == again, $"'{name}' trained twice under {isa} gave {actual} and {again}: training is not deterministic.");
            output.WriteLine($"No golden hash is recorded for instruction set {isa}; checked only that two runs agree ({actual}).");
        }
    }

    [Fact]
    public void EveryCaseHasOneRecordedHashPerInstructionSetAndNoRecordIsStale()
    {
        var names = ParameterHashCases.All.Select(c => c.Name).ToList();
        Assert.Equal(names.Count, names.Distinct().Count());
        Assert.Equal(names, Recorded.Select(r => r.Case));
        foreach (var row in Recorded)
            foreach (string isa in BitHash.RecordedIsas)
                Assert.True(Expected(row.Case, isa) is { Length: 16 }, $"'{row.Case}' has no recorded hash for {isa}.");
    }

    [Fact]
    public void W2TrainsToBitIdenticalWeightsOnOneAndOnTwoThreads()
    {
        // Large enough to split: 64 x 784 x 128 multiply-adds per product (GemmDriver.ParallelMinMacs is 2^19) and 100k
        // parameters per optimizer update. The recorded table holds the same hash for both rows; this compares them directly.
        var one = ParameterHashCases.Get("W2 with MaxThreads 1").Run(Data);
        var two = ParameterHashCases.Get("W2 with MaxThreads 2").Run(Data);
        Assert.Equal(BitHash.OfNetwork(one), BitHash.OfNetwork(two));
        Assert.Equal(BitHash.Hex(one.Parameters.Span), BitHash.Hex(two.Parameters.Span));
    }

    private static string? Expected(string name, string isa)
    {
        var row = Recorded.FirstOrDefault(r => r.Case == name);
        return isa switch
        {
            "avx512" => row?.Avx512,
            "avx2" => row?.Avx2,
            "v128" => row?.V128,
            _ => null,
        };
    }

    /// <summary>One case's recorded hashes, one per instruction set (null: not recorded).</summary>
    private sealed record RecordedHash(string Case, string? Avx512, string? Avx2, string? V128);

    // The recorded hashes: written by the benchmark console's `hashes --update` (see the remarks above), one column per
    // instruction set, from the code of the golden commit. Do not edit by hand.
    // <recorded-hashes>
    private static readonly RecordedHash[] Recorded =
    [
        // case                                                                               avx512              avx2                v128
        new("W1 MNIST 784-128-10 ReLU, SGD lr 0.01, batch 20",                                    "1805084A8A1FD666", "41B60D0B35B0EF9B", "0B3185B43A258A38"),
        new("W2 MNIST 784-128-10 ReLU, Adam lr 0.001, batch 64",                                  "3B43FA7CAF7DB614", "7A616EE515125A4E", "44386B3865B23A61"),
        new("W3 MNIST 784-512-256-10 ReLU, Adam lr 0.001, batch 256",                             "FC090D1B3EAF5E71", "FC090D1B3EAF5E71", "55B20F4603D38503"),
        new("W4 W2's network with seed 1 (stand-in for Fashion-MNIST)",                           "281B8357F0A23354", "075FA10D8565D808", "4C0CE6DF6C13B186"),
        new("W2 with MaxThreads 1",                                                               "3B43FA7CAF7DB614", "7A616EE515125A4E", "44386B3865B23A61"),
        new("W2 with MaxThreads 2",                                                               "3B43FA7CAF7DB614", "7A616EE515125A4E", "44386B3865B23A61"),
        new("engine optimizer SGD",                                                               "42F1E1B9DB861A99", "31EED866EF6E5FBE", "8AF87721CAED7FCE"),
        new("engine optimizer SGD coupled weight decay 0.01",                                     "AA007D56D2E117D8", "E532ABA1082B6796", "74024AEDFA45BE16"),
        new("engine optimizer SGD momentum 0.9",                                                  "4C905858C04245F7", "45E721CCAFC1EC8E", "BC6A3CC931C831FF"),
        new("engine optimizer SGD momentum 0.9 dampening 0.5",                                    "4845677A55759C39", "A1ADDF22F4A9BA59", "44AB0D34674948A0"),
        new("engine optimizer SGD Nesterov 0.9 weight decay 0.01",                                "4ECFD763D1BB6D1F", "9B07D805E78D9EC3", "F03B7DBDFC8BBDCA"),
        new("engine optimizer Momentum (dampened) 0.9",                                           "7D4B3193AD0A68EE", "0A31B72D1012454E", "5C6847CE79AADBD3"),
        new("engine optimizer Nesterov 0.9",                                                      "624D9429FF937C4E", "BA2455E7122D1B36", "235DF27CF0818982"),
        new("engine optimizer RMSProp",                                                           "38E582E3148BBB94", "51688DC4F98A7058", "3352B0C2B893F8FC"),
        new("engine optimizer RMSProp centered momentum 0.5 weight decay 0.01",                   "95D5C2D481CB54BB", "98C6F129CDE5225D", "16D02CBC397F858A"),
        new("engine optimizer Adam",                                                              "37F0789DA7CB0A3E", "33EDAC62172EF8E0", "E1B25D3B7CEAD022"),
        new("engine optimizer Adam coupled weight decay 0.01",                                    "187F052FD2A63871", "3C99DA683C4F22C2", "9D3BD01F1FE2E215"),
        new("engine optimizer AMSGrad",                                                           "83F96E6305148791", "CD32495B183E7919", "A7590055DEF0AB87"),
        new("engine optimizer AdamW 0.05",                                                        "F53AA77576D1906E", "81CF6239B39C996B", "D1E6B59E14069EB6"),
        new("engine optimizer AdamW AMSGrad",                                                     "BA14DE080020E79B", "51231E4160A2A5ED", "1F1AD16B554F1FE6"),
        new("engine optimizer Adagrad",                                                           "41090C6C65058E1B", "E30213104F655041", "C7BE5CA9CC27168B"),
        new("engine optimizer Adagrad initial accumulator 0.1 weight decay 0.01",                 "B0C357C1C2236311", "54632EF4FB63B051", "2DE9AB041B8E1ACC"),
        new("engine optimizer DecoupledWeightDecay 0.05 around SGD momentum",                     "533B96E402DA78B3", "B0071B328B7E43E1", "909A1C50C02FA390"),
        new("engine optimizer DecoupledWeightDecay 0.05 around Adam",                             "F53AA77576D1906E", "81CF6239B39C996B", "D1E6B59E14069EB6"),
        new("engine gradient clip by value 0.02, SGD",                                            "BB3FC0E6F9C570AE", "EAA27A3949DB131D", "98E515CE1EF9837B"),
        new("engine gradient clip by global norm 0.25, SGD",                                      "8675EB3906EF4766", "7CCA5346DAEB7615", "EE03765021A96584"),
        new("engine L2 regularization 0.01, SGD",                                                 "AA007D56D2E117D8", "E532ABA1082B6796", "74024AEDFA45BE16"),
        new("engine clip by value, clip by norm and L2 in a row, Adam",                           "EF940A6F7E541B67", "A4376DB1350A5EED", "9612E36B644CCA8E"),
        new("engine dropout 0.3",                                                                 "3BD1D9002DDDFB72", "0F25C2B3E638EFBF", "7F9D8D8A1AE5C835"),
        new("engine batch norm",                                                                  "AD782448BD150C06", "50E804F1E6020420", "55AB099379C2D34E"),
        new("engine batch norm, batch 59 with a trailing one-row batch",                          "FBB1698A66AC8823", "FBB1698A66AC8823", "31ECB14DA9F82050"),
        new("engine two hidden layers with batch norm and dropout, Nesterov",                     "ECB175DA83E841CC", "DCC47D11713E5C39", "451F7AD2B5F6A4B7"),
        new("engine hidden activation identity",                                                  "EB3EA2F9B237F5BC", "33CDC489D3F42FC1", "E37ED0813CEBA0DD"),
        new("engine hidden activation sigmoid",                                                   "B62605537854C7B1", "DE4AE2A964D80B9D", "CA19ED03DF52062B"),
        new("engine hidden activation tanh",                                                      "7CE5A5C101CE3717", "81774C73942071F2", "D804C8406DFE8206"),
        new("engine hidden activation leaky ReLU",                                                "477120B4F40949EE", "EFE92BEEC45D603C", "E9E03EC81090819C"),
        new("engine hidden activation ELU",                                                       "118942520BA9CBFE", "186EBE7FA378A638", "46F3CD1A39F8AC40"),
        new("engine hidden activation GELU",                                                      "48905673CFAA0F35", "B3CD7EF249B9CC6F", "AAD4FEE1D1FDE0CC"),
        new("engine hidden activation SiLU",                                                      "49FF9A604A569252", "B9863504A2BFEBE7", "7C5FAA8F5317E846"),
        new("engine activation layer GELU after a linear dense layer",                            "01592C44977D6E51", "A13515151FD47EE2", "C42AF5535C293EC7"),
        new("engine initializers XavierNormal and HeUniform",                                     "B9C5B7669C93A2EE", "57ACE6C4DEE7D1F9", "5DCB80F9BC132134"),
        new("engine loss cross-entropy, one-hot targets",                                         "37F0789DA7CB0A3E", "33EDAC62172EF8E0", "E1B25D3B7CEAD022"),
        new("engine loss cross-entropy, separate softmax layer (unfused)",                        "3CE00ED2E5CFB240", "53C25343BC6E8D9F", "328CD7C5A18A4F44"),
        new("engine loss binary cross-entropy, sigmoid output (fused)",                           "6B1BD95EDF53B208", "24919BE3886CAF4D", "24B172814175CE99"),
        new("engine loss binary cross-entropy, separate sigmoid layer (unfused)",                 "B48E5265613B42B9", "6D6E9E083815DA4A", "87E0427AB85CD45D"),
        new("engine loss binary cross-entropy, two labels",                                       "4885E401ACBF866B", "F3E2914584BFF340", "6C9C4F310A5C2B28"),
        new("engine loss mean squared error",                                                     "27A46E7520B14BAB", "A8A6CC7EC6E51287", "D982BC56E85CEB80"),
        new("engine loss mean squared error, two outputs",                                        "75644D095F5FCD4F", "EA8BB41956F33F75", "8642A2AF77770350"),
        new("engine example weights",                                                             "901BC0CAA27C358B", "7C10BF1EDE67210D", "7CE26874311BCE64"),
        new("engine schedule step decay every epoch by 0.5",                                      "1AE55139FD6BD19E", "1050FFE85E3ACD80", "D4DC0DDF3BF577AA"),
        new("engine schedule exponential decay per step",                                         "286460951A1A6F69", "1059E408DAB52732", "F0A1BA53C130C7F2"),
        new("engine schedule inverse-time decay per step",                                        "EEB704F99990CA74", "31AEB4716D5005E4", "665A0C3DC5A57015"),
        new("engine schedule cosine annealing per step",                                          "2BAA4CEE161012DF", "33A7D88F62156A44", "BC896A157DC845F2"),
        new("engine schedule warm-up then cosine per step",                                       "69E646A41C60B278", "4D995ED219D7F287", "8269C2E2234F3CC1"),
        new("engine schedule reduce on plateau of the validation loss",                           "C0D87FC89C074E41", "E30B0180BB9C5BFA", "7FCA54B0B36FFBBE"),
        new("engine schedule reduce on plateau of the validation accuracy around step decay",     "2B4DDB13CBA273C1", "9714870F9D2DB211", "49ACD8BC008D337A"),
        new("engine early stopping restores the best weights",                                    "E5CDDDBA0ADCA0A4", "61EE7E9FFBDBE4A8", "25CF209B8E39C83B"),
        new("engine early stopping on accuracy without restoring",                                "7D3FD23AFDB16C94", "210DCF01B45DF486", "CB2A1DD01686B8AC"),
        new("engine without shuffling",                                                           "FEFB67C1EA3B0D80", "F750AE3C451E6706", "80582CC4CBD45617"),
        new("engine batch size 1",                                                                "1E2040CE1AFD560A", "6E14A52EEFB071C0", "671E08958CD6566B"),
        new("engine full batch",                                                                  "40CEF00402D03B15", "40CEF00402D03B15", "78E2C747FB031442"),
        new("engine MNIST 784-256-128-10 batch norm and dropout, AdamW, MaxThreads 1",            "B66592C51BE69CB4", "B66592C51BE69CB4", "36801114D6E96910"),
        new("engine MNIST 784-256-128-10 batch norm and dropout, AdamW, MaxThreads 2",            "B66592C51BE69CB4", "B66592C51BE69CB4", "36801114D6E96910"),
        new("trainer binary",                                                                     "96891055714454F1", "61B021EE749C421D", "17B1E17B6C077FF6"),
        new("trainer binary positive class weight 2, GELU, two hidden layers",                    "4A3BC571DD411B37", "141BEFBFF8CF8C07", "70CFB886A16A93F1"),
        new("trainer regression standardized labels",                                             "0CB5CF99CB5CB470", "7ED7A09162C338C1", "16ED574BAEF5133D"),
        new("trainer regression raw labels",                                                      "0A893892B497CE07", "0DF2405C53CE6635", "E67FD1771E7F40B8"),
        new("trainer regression two outputs, standardized labels, batch norm",                    "8D118FD22C9AB31A", "0DBA5AF2678F5148", "6BDEDAF87BD6E02D"),
        new("trainer multiclass example weights",                                                 "160A4B1126DE61B5", "9AB840EB619E94A2", "FF48FF6FADCCC6EA"),
        new("trainer multiclass class weights",                                                   "B4C936C1EBD035E5", "40750E8DFC57A085", "7AB10612E40F49C9"),
        new("trainer multiclass validation fraction, reduce on plateau, early stopping",          "88CC3A42B3790ECE", "17FA1950E5E9D581", "B72DF9E59302BAB3"),
        new("trainer multiclass batch norm, dropout, L2, clipping, weight decay, warm-up cosine", "AE94613743722AA6", "14CECA66D21A0155", "D7F9847C5B1A9B3F"),
    ];
    // </recorded-hashes>
}
