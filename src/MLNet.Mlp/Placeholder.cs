namespace MLNet.Mlp; internal static class Placeholder { }
