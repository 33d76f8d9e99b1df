// Guard for VS Code, Cursor and Windsurf: starts `guard lsp` over stdio and lets it do the work.
// Diagnostics, hovers and code actions all come from the server; this file only starts it and
// adds the one thing a server cannot do itself: open the redacted view in an editor tab.
import * as vscode from "vscode";
import {
  ExecuteCommandRequest,
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
  TransportKind,
} from "vscode-languageclient/node";

let client: LanguageClient | undefined;

interface RedactedView {
  uri: string;
  text: string;
}

function createClient(): LanguageClient {
  const config = vscode.workspace.getConfiguration("guard");
  const serverOptions: ServerOptions = {
    command: config.get<string>("path", "guard"),
    args: ["lsp"],
    transport: TransportKind.stdio,
  };
  const clientOptions: LanguageClientOptions = {
    // every file on disk: secrets hide in any language, and a .env has no language mode
    documentSelector: [{ scheme: "file" }],
    initializationOptions: { debounceMs: config.get<number>("debounceMs", 200) },
    synchronize: {
      // an edited config takes effect at once, without a restart
      fileEvents: vscode.workspace.createFileSystemWatcher("**/{.guard.toml,pyproject.toml}"),
    },
  };
  return new LanguageClient("guard", "Guard", serverOptions, clientOptions);
}

async function showRedactedView(): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  if (!editor || !client) {
    return;
  }
  // The server's own command id is guard.redactedView; the client registers that one itself.
  const view = (await client.sendRequest(ExecuteCommandRequest.type, {
    command: "guard.redactedView",
    arguments: [editor.document.uri.toString()],
  })) as RedactedView;
  const doc = await vscode.workspace.openTextDocument({
    content: view.text,
    language: editor.document.languageId,
  });
  await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.Beside, preview: true });
}

async function restart(): Promise<void> {
  await client?.stop();
  client = createClient();
  await client.start();
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  context.subscriptions.push(
    vscode.commands.registerCommand("guard.showRedactedView", showRedactedView),
    vscode.commands.registerCommand("guard.restart", restart),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration("guard")) {
        void restart();
      }
    }),
  );
  client = createClient();
  await client.start();
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}
