using System;
using System.Collections.Generic;
using System.Security.Cryptography;
using System.Text;

namespace NetComm.Mail.Sasl;

/// <summary>
/// SCRAM-SHA-1 and SCRAM-SHA-256 (RFC 5802, RFC 7677) without channel binding. The password never
/// crosses the wire, and the server must prove it knows it too: success without a valid server
/// signature is a failure.
/// </summary>
internal sealed class ScramMechanism : SaslMechanism
{
    public static readonly HashAlgorithmName Sha1 = HashAlgorithmName.SHA1;
    public static readonly HashAlgorithmName Sha256 = HashAlgorithmName.SHA256;

    // A hostile server could ask for billions of PBKDF2 rounds to pin our CPU.
    private const int MaxIterations = 1_000_000;

    private readonly MailCredentials _credentials;
    private readonly HashAlgorithmName _hash;
    private readonly string _clientNonce;
    private string? _clientFirstBare;
    private byte[]? _expectedServerSignature;
    private bool _serverVerified;
    private int _step;

    public ScramMechanism(MailCredentials credentials, HashAlgorithmName hash, string? clientNonce = null)
    {
        _credentials = credentials;
        _hash = hash;
        _clientNonce = clientNonce ?? Convert.ToBase64String(RandomNumberGenerator.GetBytes(24));
    }

    public override string Name => _hash == Sha256 ? "SCRAM-SHA-256" : "SCRAM-SHA-1";

    public override bool RevealsSecret => false;

    private string Gs2Header => _credentials.AuthorizationId is { } authzid ? $"n,a={Escape(authzid)}," : "n,,";

    public override byte[]? InitialResponse()
    {
        _clientFirstBare = $"n={Escape(_credentials.UserName)},r={_clientNonce}";
        _step = 1;
        return Encoding.UTF8.GetBytes(Gs2Header + _clientFirstBare);
    }

    public override byte[] Respond(ReadOnlySpan<byte> challenge)
    {
        switch (_step++)
        {
            case 0:
                // A server that sent an empty challenge instead of taking our initial response.
                _step = 1;
                return InitialResponse()!;
            case 1:
                return ClientFinal(Encoding.UTF8.GetString(challenge));
            case 2:
                VerifyServerFinal(Encoding.UTF8.GetString(challenge));
                return [];
            default:
                throw Fail("The server sent more SCRAM challenges than the mechanism has.");
        }
    }

    public override void Completed()
    {
        if (!_serverVerified)
        {
            throw Fail("The server reported success without proving it knows the password (no SCRAM server signature).");
        }
    }

    private byte[] ClientFinal(string serverFirst)
    {
        var fields = Parse(serverFirst);
        if (!fields.TryGetValue('r', out var nonce) || !nonce.StartsWith(_clientNonce, StringComparison.Ordinal) || nonce.Length == _clientNonce.Length)
        {
            throw Fail("The server's SCRAM nonce does not extend ours.");
        }

        if (!fields.TryGetValue('s', out var saltText) || !fields.TryGetValue('i', out var iterationsText)
            || !int.TryParse(iterationsText, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var iterations)
            || iterations is < 1 or > MaxIterations)
        {
            throw Fail("The server's SCRAM challenge lacks a salt or a sane iteration count.");
        }

        byte[] salt;
        try
        {
            salt = Convert.FromBase64String(saltText);
        }
        catch (FormatException e)
        {
            throw Fail("The server's SCRAM salt is not base64.", e);
        }

        var hashLength = _hash == Sha256 ? 32 : 20;
        var saltedPassword = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(_credentials.Password!), salt, iterations, _hash, hashLength);
        var clientKey = Hmac(saltedPassword, "Client Key"u8);
        var storedKey = _hash == Sha256 ? SHA256.HashData(clientKey) : HashSha1(clientKey);
        var withoutProof = $"c={Convert.ToBase64String(Encoding.UTF8.GetBytes(Gs2Header))},r={nonce}";
        var authMessage = Encoding.UTF8.GetBytes($"{_clientFirstBare},{serverFirst},{withoutProof}");
        var proof = Hmac(storedKey, authMessage);
        for (var i = 0; i < proof.Length; i++)
        {
            proof[i] ^= clientKey[i];
        }

        _expectedServerSignature = Hmac(Hmac(saltedPassword, "Server Key"u8), authMessage);
        return Encoding.UTF8.GetBytes($"{withoutProof},p={Convert.ToBase64String(proof)}");
    }

    private void VerifyServerFinal(string serverFinal)
    {
        var fields = Parse(serverFinal);
        if (fields.TryGetValue('e', out var error))
        {
            throw Fail($"The server rejected the SCRAM proof: {error}.");
        }

        if (!fields.TryGetValue('v', out var signature) || _expectedServerSignature is null
            || !CryptographicOperations.FixedTimeEquals(DecodeSignature(signature), _expectedServerSignature))
        {
            throw Fail("The server's SCRAM signature is wrong: it does not know the password (or someone is in the middle).");
        }

        _serverVerified = true;
    }

    // A signature that is not base64 is a wrong signature: the exchange is cancelled like any bad challenge (found by fuzzing).
    private byte[] DecodeSignature(string signature)
    {
        try
        {
            return Convert.FromBase64String(signature);
        }
        catch (FormatException e)
        {
            throw Fail("The server's SCRAM signature is not base64.", e);
        }
    }

    private byte[] Hmac(byte[] key, ReadOnlySpan<byte> data)
        => _hash == Sha256 ? HMACSHA256.HashData(key, data) : HmacSha1(key, data);

#pragma warning disable CA5350 // SCRAM-SHA-1 is defined over SHA-1; the server chose it and HMAC/PBKDF2 use is not broken.
    private static byte[] HmacSha1(byte[] key, ReadOnlySpan<byte> data) => HMACSHA1.HashData(key, data);

    private static byte[] HashSha1(byte[] data) => SHA1.HashData(data);
#pragma warning restore CA5350

    private static Dictionary<char, string> Parse(string message)
    {
        var fields = new Dictionary<char, string>();
        foreach (var part in message.Split(','))
        {
            if (part.Length >= 2 && part[1] == '=')
            {
                fields.TryAdd(part[0], part[2..]);
            }
        }

        return fields;
    }

    private static string Escape(string name) => name.Replace("=", "=3D", StringComparison.Ordinal).Replace(",", "=2C", StringComparison.Ordinal);

    private MailAuthenticationException Fail(string message, Exception? inner = null) => new(message, inner) { Mechanism = Name };
}
