using System.Net;
using Analytics.Common;

namespace Analytics.Processors.Hosting;

/// <summary>The checks every local HTTP server's options make of where it listens.</summary>
internal static class ListenAddress
{
    /// <summary>
    /// A port from 0 (any free one) to 65535 and an IP address, loopback unless
    /// <paramref name="allowNonLoopback"/>; <paramref name="why"/> says what a wider bind would expose.
    /// </summary>
    public static void Validate(string component, int port, string bindAddress, bool allowNonLoopback, string why)
    {
        if (port is < 0 or > 65535)
        {
            throw new OptionsValidationException(component, "Port", "must be between 0 (any free port) and 65535", port);
        }

        if (!IPAddress.TryParse(bindAddress, out var address))
        {
            throw new OptionsValidationException(component, "BindAddress", "must be an IP address such as 127.0.0.1", bindAddress);
        }

        if (!IPAddress.IsLoopback(address) && !allowNonLoopback)
        {
            throw new OptionsValidationException(component, "BindAddress", $"must be a loopback address unless AllowNonLoopback is set ({why})", bindAddress);
        }
    }
}
