using System.Reflection;
using Hospes.Storage.QemuImg;
using Img = Hospes.Storage.QemuImg.QemuImg;

namespace Hospes.Storage.Tests.QemuImg;

public sealed class QemuImgSeamTests
{
    // A fake of IQemuImg must be able to stand in for every operation the real one offers.
    [Fact]
    public void EveryPublicOperationOfQemuImg_IsOnTheInterface()
    {
        static string Signature(MethodInfo m) => $"{m.Name}({string.Join(", ", m.GetParameters().Select(p => p.ParameterType.Name))})";

        string[] operations = [.. typeof(Img).GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly)
            .Where(m => !m.IsSpecialName).Select(Signature).Order(StringComparer.Ordinal)];
        string[] seam = [.. typeof(IQemuImg).GetMethods().Select(Signature).Order(StringComparer.Ordinal)];
        Assert.Equal(operations, seam);
    }
}
