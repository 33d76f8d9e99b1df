-- Guard for Neovim (0.7 and later): secrets as diagnostics in every buffer, with code actions
-- (allow, protect the file, move to .env) and :GuardRedactedView.
-- Copy to ~/.config/nvim/lua/guard.lua and add `require("guard")` to init.lua; needs `guard` on
-- PATH (or set vim.g.guard_cmd = { "/path/to/guard", "lsp" }).
-- Only what Neovim 0.7 has is used (Debian 12 ships 0.7.2): vim.lsp.start and vim.fs came in 0.8,
-- vim.lsp.get_clients in 0.10; the newer calls are taken when they exist.
local M = {}

if vim.fn.has("nvim-0.7") ~= 1 then
  local v = vim.version and vim.version() or {}
  vim.api.nvim_echo({ { string.format(
    "guard.lua needs Neovim 0.7 or later, this is %s.%s: guard lsp is not started",
    tostring(v.major or "?"), tostring(v.minor or "?")), "WarningMsg" } }, true, {})
  return M
end

local uv = vim.loop

-- The nearest directory upwards holding .git or .guard.toml, else the file's own directory.
local function root_for(buf)
  local dir = vim.fn.fnamemodify(vim.api.nvim_buf_get_name(buf), ":p:h")
  local d = dir
  while true do
    if uv.fs_stat(d .. "/.git") or uv.fs_stat(d .. "/.guard.toml") then
      return d
    end
    local parent = vim.fn.fnamemodify(d, ":h")
    if parent == d then
      return dir
    end
    d = parent
  end
end

local function command()
  return vim.g.guard_cmd or { "guard", "lsp" }
end

local warned = false
local clients = {} -- root -> client id, where vim.lsp.start does not exist (0.7)

function M.start(buf)
  if vim.bo[buf].buftype ~= "" or vim.api.nvim_buf_get_name(buf) == "" then
    return
  end
  local cmd = command()
  if vim.fn.executable(cmd[1]) ~= 1 then
    if not warned then
      warned = true
      vim.notify("guard: `" .. cmd[1] .. "` is not an executable on PATH; install Guard or set "
        .. "vim.g.guard_cmd = { \"/path/to/guard\", \"lsp\" }", vim.log.levels.WARN)
    end
    return
  end
  local config = {
    name = "guard",
    cmd = cmd,
    root_dir = root_for(buf),
    init_options = { debounceMs = vim.g.guard_debounce_ms or 200 },
  }
  if vim.lsp.start then
    vim.lsp.start(config, { bufnr = buf })
    return
  end
  local id = clients[config.root_dir]
  local client = id and vim.lsp.get_client_by_id(id)
  if not client or client.is_stopped() then
    id = vim.lsp.start_client(config)
    clients[config.root_dir] = id
  end
  if id then
    vim.lsp.buf_attach_client(buf, id)
  end
end

local function client_for(buf)
  if vim.lsp.get_clients then
    return vim.lsp.get_clients({ name = "guard", bufnr = buf })[1]
  end
  for _, client in pairs(vim.lsp.buf_get_clients(buf)) do
    if client.name == "guard" then
      return client
    end
  end
end

-- The buffer as `guard view` would show it, in a scratch split: values replaced by placeholders.
function M.redacted_view()
  local buf = vim.api.nvim_get_current_buf()
  local client = client_for(buf)
  if not client then
    vim.notify("guard lsp is not running for this buffer", vim.log.levels.WARN)
    return
  end
  local params = { command = "guard.redactedView", arguments = { vim.uri_from_bufnr(buf) } }
  local function show(err, result)
    if err or not result then
      vim.notify("guard: " .. (err and err.message or "no view"), vim.log.levels.ERROR)
      return
    end
    local ft = vim.bo[buf].filetype
    vim.cmd("vnew")
    local view = vim.api.nvim_get_current_buf()
    vim.bo[view].buftype = "nofile"
    vim.bo[view].bufhidden = "wipe"
    vim.api.nvim_buf_set_lines(view, 0, -1, false, vim.split(result.text, "\n", { plain = true }))
    vim.bo[view].filetype = ft
    vim.bo[view].modifiable = false
  end
  if vim.fn.has("nvim-0.11") == 1 then
    client:request("workspace/executeCommand", params, show, buf)
  else
    client.request("workspace/executeCommand", params, show, buf)
  end
end

vim.api.nvim_create_autocmd({ "BufReadPost", "BufNewFile" }, {
  group = vim.api.nvim_create_augroup("guard_lsp", { clear = true }),
  callback = function(args) M.start(args.buf) end,
})
vim.api.nvim_create_user_command("GuardRedactedView", M.redacted_view, {})

return M
