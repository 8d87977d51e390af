using Xunit.Abstractions;

namespace MLNet.Mlp.Tests.Compatibility;

/// <summary>
/// The bit-identity guard: every case of <see cref="ParameterHashCases"/> (the MNIST workloads W1–W4 through the ML.NET
/// trainer, the engine with every optimizer, transform, layer, activation, loss, schedule and early stopping, and the
/// binary and regression trainers) trains from a fixed seed, and the hash of its final weights (<see cref="BitHash.OfNetwork"/>)
/// must equal the one recorded below with the code of the golden commit (before the redesign and the ML.NET 6 upgrade).
/// The cases that build their network through a trainer with no initializer set (W1–W4 and the trainer cases) were
/// recorded again when the trainers' default initializer became Glorot uniform for every layer (it had been He uniform
/// for the ReLU family); the engine cases, which name their layers and initializers, still hold the golden commit's bits.
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
        new("W1 MNIST 784-128-10 ReLU, SGD lr 0.01, batch 20",                                    "F0B14CDD8A5CF2AF", "A7A49C177CA16C54", "D75F1CDB0507AE81"),
        new("W2 MNIST 784-128-10 ReLU, Adam lr 0.001, batch 64",                                  "3EBB5395AF5952F4", "7A25514020F3FFCE", "C1E40257D7EEEA74"),
        new("W3 MNIST 784-512-256-10 ReLU, Adam lr 0.001, batch 256",                             "B95F67ED0FE887F7", "B95F67ED0FE887F7", "4F40B210D2287CC0"),
        new("W4 W2's network with seed 1 (stand-in for Fashion-MNIST)",                           "73031E77BDDDF8FE", "F155D1A04E34B0C6", "C43D53B49A569C59"),
        new("W2 with MaxThreads 1",                                                               "3EBB5395AF5952F4", "7A25514020F3FFCE", "C1E40257D7EEEA74"),
        new("W2 with MaxThreads 2",                                                               "3EBB5395AF5952F4", "7A25514020F3FFCE", "C1E40257D7EEEA74"),
        new("engine optimizer SGD",                                                               "42F1E1B9DB861A99", "31EED866EF6E5FBE", "7CB62C6416E9D829"),
        new("engine optimizer SGD coupled weight decay 0.01",                                     "AA007D56D2E117D8", "E532ABA1082B6796", "74024AEDFA45BE16"),
        new("engine optimizer SGD momentum 0.9",                                                  "4C905858C04245F7", "45E721CCAFC1EC8E", "844F4BEF6B3396D7"),
        new("engine optimizer SGD momentum 0.9 dampening 0.5",                                    "4845677A55759C39", "A1ADDF22F4A9BA59", "231B696724FF0E8B"),
        new("engine optimizer SGD Nesterov 0.9 weight decay 0.01",                                "4ECFD763D1BB6D1F", "9B07D805E78D9EC3", "A524D636E7F3B3B0"),
        new("engine optimizer Momentum (dampened) 0.9",                                           "7D4B3193AD0A68EE", "0A31B72D1012454E", "DA55BC692567E9E0"),
        new("engine optimizer Nesterov 0.9",                                                      "624D9429FF937C4E", "BA2455E7122D1B36", "195CA985FED1013B"),
        new("engine optimizer RMSProp",                                                           "38E582E3148BBB94", "51688DC4F98A7058", "3498461211EEC2BE"),
        new("engine optimizer RMSProp centered momentum 0.5 weight decay 0.01",                   "95D5C2D481CB54BB", "98C6F129CDE5225D", "6F52176EB372077D"),
        new("engine optimizer Adam",                                                              "37F0789DA7CB0A3E", "33EDAC62172EF8E0", "9C08755045F0A048"),
        new("engine optimizer Adam coupled weight decay 0.01",                                    "187F052FD2A63871", "3C99DA683C4F22C2", "6675774E22581DC7"),
        new("engine optimizer AMSGrad",                                                           "83F96E6305148791", "CD32495B183E7919", "D022B5B29D116837"),
        new("engine optimizer AdamW 0.05",                                                        "F53AA77576D1906E", "81CF6239B39C996B", "ECD41F1832C6FEF7"),
        new("engine optimizer AdamW AMSGrad",                                                     "BA14DE080020E79B", "51231E4160A2A5ED", "C491C3273CB16AEF"),
        new("engine optimizer Adagrad",                                                           "41090C6C65058E1B", "E30213104F655041", "07C037D56A5E62AC"),
        new("engine optimizer Adagrad initial accumulator 0.1 weight decay 0.01",                 "B0C357C1C2236311", "54632EF4FB63B051", "043372EAFA8B2DF8"),
        new("engine optimizer DecoupledWeightDecay 0.05 around SGD momentum",                     "533B96E402DA78B3", "B0071B328B7E43E1", "131483DBC2C697EC"),
        new("engine optimizer DecoupledWeightDecay 0.05 around Adam",                             "F53AA77576D1906E", "81CF6239B39C996B", "ECD41F1832C6FEF7"),
        new("engine gradient clip by value 0.02, SGD",                                            "BB3FC0E6F9C570AE", "EAA27A3949DB131D", "1C1D7F36CDF4880C"),
        new("engine gradient clip by global norm 0.25, SGD",                                      "8675EB3906EF4766", "7CCA5346DAEB7615", "3E968FFFA648F443"),
        new("engine L2 regularization 0.01, SGD",                                                 "AA007D56D2E117D8", "E532ABA1082B6796", "74024AEDFA45BE16"),
        new("engine clip by value, clip by norm and L2 in a row, Adam",                           "EF940A6F7E541B67", "A4376DB1350A5EED", "2F6CEDD57E8E7C1E"),
        new("engine dropout 0.3",                                                                 "3BD1D9002DDDFB72", "0F25C2B3E638EFBF", "12B66B5CBB708ABA"),
        new("engine batch norm",                                                                  "AD782448BD150C06", "50E804F1E6020420", "D338941F20DC2E1E"),
        new("engine batch norm, batch 59 with a trailing one-row batch",                          "FBB1698A66AC8823", "FBB1698A66AC8823", "6484D6BF78356D45"),
        new("engine two hidden layers with batch norm and dropout, Nesterov",                     "ECB175DA83E841CC", "DCC47D11713E5C39", "4C658A5E3900F77A"),
        new("engine hidden activation identity",                                                  "EB3EA2F9B237F5BC", "33CDC489D3F42FC1", "92E66B727CDF8092"),
        new("engine hidden activation sigmoid",                                                   "B62605537854C7B1", "DE4AE2A964D80B9D", "DA8326954E65EB17"),
        new("engine hidden activation tanh",                                                      "7CE5A5C101CE3717", "81774C73942071F2", "C4E5DF521A8153CA"),
        new("engine hidden activation leaky ReLU",                                                "477120B4F40949EE", "EFE92BEEC45D603C", "C46229BF6D1A4FE4"),
        new("engine hidden activation ELU",                                                       "118942520BA9CBFE", "186EBE7FA378A638", "1076AC9DA443CB4B"),
        new("engine hidden activation GELU",                                                      "48905673CFAA0F35", "B3CD7EF249B9CC6F", "46BFAE7BC2E7290A"),
        new("engine hidden activation SiLU",                                                      "49FF9A604A569252", "B9863504A2BFEBE7", "66EB0C788B4682F5"),
        new("engine activation layer GELU after a linear dense layer",                            "01592C44977D6E51", "A13515151FD47EE2", "0FB7713F2654EAA4"),
        new("engine initializers XavierNormal and HeUniform",                                     "B9C5B7669C93A2EE", "57ACE6C4DEE7D1F9", "02355E7F4C3279C6"),
        new("engine loss cross-entropy, one-hot targets",                                         "37F0789DA7CB0A3E", "33EDAC62172EF8E0", "9C08755045F0A048"),
        new("engine loss cross-entropy, separate softmax layer (unfused)",                        "3CE00ED2E5CFB240", "53C25343BC6E8D9F", "67E79BA7068F9E79"),
        new("engine loss binary cross-entropy, sigmoid output (fused)",                           "6B1BD95EDF53B208", "24919BE3886CAF4D", "24B172814175CE99"),
        new("engine loss binary cross-entropy, separate sigmoid layer (unfused)",                 "B48E5265613B42B9", "6D6E9E083815DA4A", "87E0427AB85CD45D"),
        new("engine loss binary cross-entropy, two labels",                                       "4885E401ACBF866B", "F3E2914584BFF340", "6C9C4F310A5C2B28"),
        new("engine loss mean squared error",                                                     "27A46E7520B14BAB", "A8A6CC7EC6E51287", "D982BC56E85CEB80"),
        new("engine loss mean squared error, two outputs",                                        "75644D095F5FCD4F", "EA8BB41956F33F75", "8642A2AF77770350"),
        new("engine example weights",                                                             "901BC0CAA27C358B", "7C10BF1EDE67210D", "09B595DF9AB026B5"),
        new("engine schedule step decay every epoch by 0.5",                                      "1AE55139FD6BD19E", "1050FFE85E3ACD80", "EF288F78BCA04A6B"),
        new("engine schedule exponential decay per step",                                         "286460951A1A6F69", "1059E408DAB52732", "AF31B59262F44216"),
        new("engine schedule inverse-time decay per step",                                        "EEB704F99990CA74", "31AEB4716D5005E4", "92C642C5273D00E4"),
        new("engine schedule cosine annealing per step",                                          "2BAA4CEE161012DF", "33A7D88F62156A44", "1CADE3ADF8132521"),
        new("engine schedule warm-up then cosine per step",                                       "69E646A41C60B278", "4D995ED219D7F287", "34AD4A8150C2A406"),
        new("engine schedule reduce on plateau of the validation loss",                           "C0D87FC89C074E41", "E30B0180BB9C5BFA", "B54BB7FCF8796423"),
        new("engine schedule reduce on plateau of the validation accuracy around step decay",     "2B4DDB13CBA273C1", "9714870F9D2DB211", "5E3A4E24E56C0984"),
        new("engine early stopping restores the best weights",                                    "E5CDDDBA0ADCA0A4", "61EE7E9FFBDBE4A8", "42A344648439F9E3"),
        new("engine early stopping on accuracy without restoring",                                "7D3FD23AFDB16C94", "210DCF01B45DF486", "CB2A1DD01686B8AC"),
        new("engine without shuffling",                                                           "FEFB67C1EA3B0D80", "F750AE3C451E6706", "08F83C7FCE081639"),
        new("engine batch size 1",                                                                "1E2040CE1AFD560A", "6E14A52EEFB071C0", "13DB5B7A7F2F4821"),
        new("engine full batch",                                                                  "40CEF00402D03B15", "40CEF00402D03B15", "088094EC782DFCE5"),
        new("engine MNIST 784-256-128-10 batch norm and dropout, AdamW, MaxThreads 1",            "73054576B7B1E93E", "73054576B7B1E93E", "A7E181503B79415F"),
        new("engine MNIST 784-256-128-10 batch norm and dropout, AdamW, MaxThreads 2",            "73054576B7B1E93E", "73054576B7B1E93E", "A7E181503B79415F"),
        new("trainer binary",                                                                     "F30382C89778CC35", "893954414561D04F", "706C725B6FFBABD8"),
        new("trainer binary positive class weight 2, GELU, two hidden layers",                    "D37C7B640A6367EC", "B6185394449E5866", "1C39C2829E23B903"),
        new("trainer regression standardized labels",                                             "964E773BAD03F214", "56055D70452A268F", "DC8F55BBE6FDD1CC"),
        new("trainer regression raw labels",                                                      "FA41D5765FA291E9", "B56826D60176FDD6", "72968BDC995B7039"),
        new("trainer regression two outputs, standardized labels, batch norm",                    "CEAC1FEAD42E3F1B", "B8F09C25DA437264", "41D30875C8044ED2"),
        new("trainer multiclass example weights",                                                 "89DCA6C7095754D7", "F01CBACED11F4C7E", "0122A5797454F542"),
        new("trainer multiclass class weights",                                                   "BA8A221D32571657", "35AF0EC61982212D", "9F4EAE6CBF92B875"),
        new("trainer multiclass validation fraction, reduce on plateau, early stopping",          "15B20A9711DFEFCF", "00173E74E09A41A2", "8184F72991DC4ADD"),
        new("trainer multiclass batch norm, dropout, L2, clipping, weight decay, warm-up cosine", "AE94613743722AA6", "14CECA66D21A0155", "2320D068FDA5F91C"),
    ];
    // </recorded-hashes>
}
