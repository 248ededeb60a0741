namespace Hospes.Storage; internal static class Placeholder { }
