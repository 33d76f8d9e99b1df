-- Guard for Neovim (0.8+): secrets as diagnostics in every buffer, with code actions
-- (allow, protect the file, move to .env) and :GuardRedactedView.
-- Copy to ~/.config/nvim/lua/guard.lua and add `require("guard")` to init.lua; needs `guard` on
-- PATH (or set vim.g.guard_cmd = { "/path/to/guard", "lsp" }).
local M = {}

local function root_for(buf)
  local name = vim.api.nvim_buf_get_name(buf)
  local found = vim.fs.find({ ".git", ".guard.toml" }, { upward = true, path = vim.fs.dirname(name) })[1]
  return found and vim.fs.dirname(found) or vim.fs.dirname(name)
end

function M.start(buf)
  if vim.bo[buf].buftype ~= "" or vim.api.nvim_buf_get_name(buf) == "" then
    return
  end
  vim.lsp.start({
    name = "guard",
    cmd = vim.g.guard_cmd or { "guard", "lsp" },
    root_dir = root_for(buf),
    init_options = { debounceMs = vim.g.guard_debounce_ms or 200 },
  }, { bufnr = buf })
end

-- The buffer as `guard view` would show it, in a scratch split: values replaced by placeholders.
function M.redacted_view()
  local buf = vim.api.nvim_get_current_buf()
  local client = vim.lsp.get_clients and vim.lsp.get_clients({ name = "guard", bufnr = buf })[1]
    or vim.lsp.get_active_clients({ name = "guard", bufnr = buf })[1]
  if not client then
    vim.notify("guard lsp is not running for this buffer", vim.log.levels.WARN)
    return
  end
  local params = { command = "guard.redactedView", arguments = { vim.uri_from_bufnr(buf) } }
  client.request("workspace/executeCommand", params, function(err, result)
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
  end, buf)
end

vim.api.nvim_create_autocmd({ "BufReadPost", "BufNewFile" }, {
  group = vim.api.nvim_create_augroup("guard_lsp", { clear = true }),
  callback = function(args) M.start(args.buf) end,
})
vim.api.nvim_create_user_command("GuardRedactedView", M.redacted_view, {})

return M
