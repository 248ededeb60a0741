namespace Hospes.Config; internal static class Placeholder { }
